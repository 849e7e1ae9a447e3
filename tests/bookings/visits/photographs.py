"""Real image files for the photo tests (made with Pillow, as a phone would send them), and the
private photo storage pointed at a test's own folder."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from bookings.models import ClinicalPhoto

RED, BLUE = (230, 20, 20), (20, 20, 230)
MAKE, MODEL = "Acme Phone Co", "Acme P9 Pro"


def phone_jpeg(
    size: tuple[int, int] = (400, 200), *, orientation: int | None = None, gps: bool = True
) -> bytes:
    """A JPEG as a phone writes it: the left half red, the right half blue, with EXIF naming
    the phone and, by default, where it was taken (GPS)."""
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = MAKE
    exif[ExifTags.Base.Model] = MODEL
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.IFD.GPSInfo] = {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (51.0, 30.0, 26.0),
            ExifTags.GPS.GPSLongitudeRef: "W",
            ExifTags.GPS.GPSLongitude: (0.0, 7.0, 39.0),
        }
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (120, 80), mode: str = "RGBA") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (10, 200, 10, 255) if mode == "RGBA" else 0).save(buffer, "PNG")
    return buffer.getvalue()


def uploaded(content: bytes, name: str = "IMG_0001.jpg", kind: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=kind)


def stored_files(location: Path) -> list[Path]:
    return sorted(p for p in location.rglob("*") if p.is_file())


def use_photo_dir(tmp_path: Path, monkeypatch, settings) -> Path:
    """Point the clinical photo storage at this test's folder (a fixture calls it).

    The model's FileFields took their storage once, when the models were imported (a callable
    `storage` is called then), so overriding STORAGES alone would not reach them: the fields'
    storage is swapped too."""
    location = tmp_path / "clinical-photos"
    options = {
        "location": str(location),
        "base_url": None,
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "clinical_photos": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": options,
        },
    }
    storage = FileSystemStorage(**options)
    for name in ("image", "thumbnail"):
        monkeypatch.setattr(ClinicalPhoto._meta.get_field(name), "storage", storage)
    return location
