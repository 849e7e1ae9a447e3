"""Clinical photos, under /photos/: served only through views that check the role."""

from django.urls import path

from bookings.visits import photo_views

urlpatterns = [
    path("<int:photo_id>/", photo_views.photo_image, name="photo-image"),
    path("<int:photo_id>/thumb", photo_views.photo_thumbnail, name="photo-thumb"),
    path("<int:photo_id>/remove", photo_views.photo_remove_view, name="photo-remove"),
    path("upload/<int:appointment_id>", photo_views.photo_upload, name="photo-upload"),
    path("course/<int:plan_id>/compare", photo_views.photo_compare, name="photo-compare"),
    path("consent/<int:patient_id>", photo_views.photo_consent_record, name="photo-consent"),
    path("my-consent", photo_views.my_photo_consent, name="photo-my-consent"),
]
