"""An uploaded clinical photo checked and re-encoded with Pillow, before anything is stored.

What a phone sends is not trusted: its size is checked before it is read, it must open and
verify as a JPEG, PNG or WebP (a PDF renamed .jpg, a truncated file and an empty one are
refused with a sentence), and its pixel count is bounded before it is decoded (a decompression
bomb). The photo kept is a new image made from the pixels only, turned upright by its EXIF
orientation and converted to sRGB by its colour profile, so no EXIF (GPS, the phone's make and
serial), ICC or other metadata survives; a JPEG thumbnail is made beside it.

Imports: Django's exceptions and Pillow; no models. Used by bookings.visits.photos.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# The format Pillow reads -> what is stored: content type, extension, format. MPO is how Pillow
# reads many phones' JPEGs (a JPEG with a second, depth or preview, frame): its JPEG opener
# returns it, and it is kept as a plain JPEG of its first frame.
FORMATS: dict[str, tuple[str, str, str]] = {
    "JPEG": ("image/jpeg", "jpg", "JPEG"),
    "MPO": ("image/jpeg", "jpg", "JPEG"),
    "PNG": ("image/png", "png", "PNG"),
    "WEBP": ("image/webp", "webp", "WEBP"),
}
# What Pillow may try to open: nothing else is even attempted.
OPENERS = ("JPEG", "PNG", "WEBP")
# 50 megapixels: a phone's full-resolution photo (12 to 48 MP) passes; a decompression bomb, a
# small file that decodes to gigabytes, is refused from its header before it is decoded.
MAX_PIXELS = 50_000_000
THUMBNAIL_SIDE = 320
MB = 1024 * 1024

# The brands of an ISO base media file (HEIC, HEIF, AVIF): what an iPhone sends by default.
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}

NOT_A_PHOTO = (
    "This file is not a photo the clinic can read. Send a JPEG, PNG or WebP image "
    "(a PDF or a document renamed .jpg is not a photo)."
)
DAMAGED = (
    "The photo could not be read: the file is damaged or incomplete (perhaps the upload was "
    "cut short). Take or choose it again."
)
HEIC = (
    "This is a HEIC photo (an iPhone's default), which the clinic cannot read. Send it as JPEG: "
    "on the iPhone, Settings > Camera > Formats > Most Compatible, or share it as JPEG."
)


@dataclass(frozen=True)
class PreparedPhoto:
    image: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _is_heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def _check_size(upload: File[bytes], max_bytes: int) -> None:
    size = upload.size
    if not size:
        raise ValidationError("The file is empty: take the photo again, or choose another.")
    if size > max_bytes:
        raise ValidationError(
            f"The photo is {size / MB:.1f} MB; the largest the clinic accepts is "
            f"{max_bytes / MB:.0f} MB. Send a smaller one (the phone's standard camera mode)."
        )


def _too_many_pixels(width: int, height: int) -> ValidationError:
    return ValidationError(
        f"The photo is {width} by {height} pixels, more than the {MAX_PIXELS // 1_000_000} "
        "megapixels the clinic accepts. Use the phone's standard camera mode."
    )


def _to_srgb(image: Image.Image) -> Image.Image:
    """Convert by the embedded colour profile (an iPhone's Display P3, a camera's Adobe RGB) so
    that dropping the profile does not change the skin's colour. Unreadable profile: as is."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        target = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, target, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _normalised(image: Image.Image, out_format: str) -> Image.Image:
    """A mode the output format stores without a palette or side information."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        # 16-bit and float greys: scale to 8 bits (a plain convert would clip to white).
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode == "P" and "transparency" in image.info
    )
    if out_format == "JPEG":
        return image if image.mode in ("L", "RGB") else image.convert("RGB")
    if has_alpha:
        return image if image.mode == "RGBA" else image.convert("RGBA")
    if out_format == "PNG" and image.mode == "L":
        return image
    return image if image.mode == "RGB" else image.convert("RGB")


def _encode(image: Image.Image, out_format: str) -> bytes:
    buffer = io.BytesIO()
    if out_format == "JPEG":
        # 4:4:4 chroma: the colour of pigment is what the photo is for.
        image.save(buffer, "JPEG", quality=90, subsampling=0)
    elif out_format == "WEBP":
        image.save(buffer, "WEBP", quality=90)
    else:
        image.save(buffer, "PNG")
    return buffer.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    if small.mode == "RGBA":
        flat = Image.new("RGB", small.size, "white")
        flat.paste(small, mask=small.getchannel("A"))
        small = flat
    elif small.mode != "RGB":
        small = small.convert("RGB")
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=82)
    return buffer.getvalue()


def _decode(upload: File[bytes]) -> tuple[Image.Image, str]:
    """The upright image, fully decoded, and the format it came in."""
    formats = OPENERS
    upload.seek(0)
    with Image.open(upload, formats=formats) as probe:
        found = probe.format or ""
        width, height = probe.size
        if width * height > MAX_PIXELS:
            raise _too_many_pixels(width, height)
        probe.verify()
    # verify() leaves the image unusable: open it again to decode it.
    upload.seek(0)
    with Image.open(upload, formats=formats) as opened:
        opened.load()  # a truncated file fails here
        # A new image, turned as the EXIF says; its info (the ICC profile with it) is copied.
        upright = ImageOps.exif_transpose(opened)
    return upright, found


def photo_prepare(upload: File[bytes], *, max_bytes: int) -> PreparedPhoto:
    """Check an uploaded photo and make the two files to store, or raise ValidationError with a
    sentence for the doctor. Nothing here writes anywhere."""
    _check_size(upload, max_bytes)
    upload.seek(0)
    if _is_heif(upload.read(16)):
        raise ValidationError(HEIC)
    try:
        decoded, found = _decode(upload)
    except ValidationError:
        raise
    except UnidentifiedImageError as error:
        raise ValidationError(NOT_A_PHOTO) from error
    except Image.DecompressionBombError as error:
        raise ValidationError(
            f"The photo has more than the {MAX_PIXELS // 1_000_000} megapixels the clinic "
            "accepts. Use the phone's standard camera mode."
        ) from error
    except (
        OSError, SyntaxError, ValueError, EOFError, IndexError, KeyError, TypeError,
        ZeroDivisionError, struct.error,
    ) as error:  # fmt: skip
        # What Pillow raises for a truncated or corrupt file, whichever part of it is broken (a
        # malformed EXIF rational fails in exif_transpose with a TypeError, found by fuzzing).
        raise ValidationError(DAMAGED) from error
    content_type, extension, out_format = FORMATS[found]
    image = _normalised(_to_srgb(decoded), out_format)
    # A new image from the pixels alone: nothing of the original's info (EXIF, GPS, XMP, ICC,
    # comments, text chunks) can ride along into the file that is kept.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    return PreparedPhoto(
        image=_encode(clean, out_format),
        thumbnail=_thumbnail(clean),
        content_type=content_type,
        extension=extension,
        width=clean.width,
        height=clean.height,
    )
