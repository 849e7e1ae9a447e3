from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest

from clinic.audit import audit_record
from clinic.models import ApiToken, AuditEntry, Consent, ConsentText, User
from clinic.roles import Role, has_role


class UserAddForm(AdminUserCreationForm):
    """People added here are staff, who log in with their email address (patients are
    registered at the desk, with or without one)."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)
        field_classes: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class UserEditForm(UserChangeForm):  # type: ignore[type-arg]
    """Only a patient who cannot log in (registered by phone) may be without an address."""

    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes: dict[str, Any] = {}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("email") or "email" in self.errors:
            return data
        groups = data.get("groups")
        names = {group.name for group in groups} if groups is not None else set()
        if names - {Role.PATIENT.value} or data.get("is_staff") or self.instance.is_superuser:
            self.add_error("email", "Staff need an email address: it is how they log in.")
        elif self.instance.has_usable_password():
            self.add_error("email", "This person logs in with a password: keep their address.")
        return data


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm
    form = UserEditForm
    ordering = ("email",)
    list_display = ("email", "phone", "first_name", "last_name", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff")
    list_select_related = ("profile",)
    search_fields = ("email", "first_name", "last_name", "profile__phone")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal details", {"fields": ("first_name", "last_name")}),
        ("Role and access", {"fields": ("is_active", "groups", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> Any:
        # A patient's account is part of their record: opening it is audited like any page.
        user = User.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if user is not None and has_role(user, Role.PATIENT):
            audit_record(request=request, patient=user, action="opened account in admin")
        return super().change_view(request, object_id, *args, **kwargs)

    @admin.display(description="phone")
    def phone(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return str(profile.phone.as_international) if profile and profile.phone else ""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A manager runs the clinic's staff list; only a superuser can make another superuser.
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly.append("is_superuser")
        return readonly


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records kept as they were made: they can be read and filtered, never added, changed or
    deleted through the admin."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Managers read and filter the log; nobody edits or deletes it."""

    list_display = ("created_at", "actor", "action", "patient", "ip_address")
    list_filter = ("action", "created_at", "actor")
    search_fields = ("patient__email", "patient__last_name", "actor__email", "detail")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "patient")


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    """Managers publish a new wording as a new version; a published one never changes, so every
    consent keeps the words it was given to."""

    list_display = ("version", "title", "published_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    """Consents as the patients gave them: signed online, or given in person and witnessed."""

    list_display = ("given_at", "full_name", "patient", "text", "method", "witness_name")
    list_filter = ("method",)
    list_select_related = ("patient", "text")
    search_fields = ("full_name", "patient__email", "patient__profile__phone", "witness_name")

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> Any:
        consent = Consent.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if consent is not None:
            audit_record(request=request, patient=consent.patient, action="opened consent in admin")
        return super().change_view(request, object_id, *args, **kwargs)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made with `manage.py api_token` (the key is shown once); here they are
    listed and revoked."""

    list_display = ["name", "prefix", "user", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
