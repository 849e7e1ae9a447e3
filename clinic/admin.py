from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, PasswordResetForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from clinic.audit import audit_record
from clinic.models import ApiToken, AuditEntry, Consent, ConsentText, PatientProfile, User
from clinic.roles import Role, has_role
from clinic.services import invitation_send


def is_patient(user: User) -> bool:
    """By the group or the profile, whether or not the account is active (roles_of counts only
    active accounts, and a patient whose sign-up waits for confirmation is still a patient)."""
    return (
        user.groups.filter(name=Role.PATIENT.value).exists()
        or PatientProfile.objects.filter(user=user).exists()
    )


def reset_link_send(*, request: HttpRequest, user: User) -> tuple[bool, str]:
    """Send `user` a link to choose their own password (staff never choose it for them): the
    password-reset email, or the invitation again if they never chose one. (sent, what
    happened, to tell the member of staff)."""
    if not user.email:
        return False, f"{user} has no email address: add one first, then send the link."
    if not user.is_active:
        return False, f"{user}'s account is not active: no link was sent."
    if not user.has_usable_password():
        site = request.build_absolute_uri("/").rstrip("/")
        invitation_send(user=user, by=request.user, base_url=site)  # type: ignore[arg-type]
        audit_record(request=request, patient=user, action="sent invitation from admin")
        return True, f"An invitation to choose a password was sent to {user.email}."
    form = PasswordResetForm({"email": user.email})
    form.is_valid()
    form.save(
        request=request,
        use_https=request.is_secure(),
        extra_email_context={"clinic_name": settings.CLINIC_NAME},
    )
    audit_record(request=request, patient=user, action="sent password reset link from admin")
    return True, f"A link to choose a new password was sent to {user.email}."


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
    """People's accounts. Staff never set or see a patient's password: a patient's page offers
    to send them a link to choose it, and the password form is refused for them. Every change
    made here to an account is in the audit log."""

    add_form = UserAddForm
    form = UserEditForm
    actions = ["send_reset_links"]
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

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        # In place of the password (whose form is refused for patients): the link to send.
        first_name, first = fieldsets[0]
        fields = ["reset_link" if f == "password" else f for f in first["fields"]]
        return ((first_name, {**first, "fields": fields}), *fieldsets[1:])

    @admin.display(description="password")
    def reset_link(self, user: User) -> str:
        url = reverse("admin:clinic_user_send_reset_link", args=[user.pk])
        if is_patient(user):
            note = "Staff never set or see a patient's password: send them a link to choose it."
            return format_html('{} <a class="button" href="{}">Send a password link</a>', note, url)
        password_url = reverse("admin:auth_user_password_change", args=[user.pk])
        return format_html(
            '<a class="button" href="{}">Send a password link</a> or '
            '<a href="{}">set a password for this member of staff</a>.',
            url,
            password_url,
        )

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<id>/send-reset-link/",
                self.admin_site.admin_view(self.send_reset_link_view),
                name="clinic_user_send_reset_link",
            ),
            *super().get_urls(),
        ]

    def _account_or_404(self, request: HttpRequest, id: str) -> User:
        user = self.get_object(request, unquote(id))
        if user is None:
            raise Http404("No such account.")
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        return user  # type: ignore[no-any-return]

    def send_reset_link_view(self, request: HttpRequest, id: str) -> HttpResponse:
        user = self._account_or_404(request, id)
        if request.method == "POST":
            sent, message = reset_link_send(request=request, user=user)
            self.message_user(request, message, messages.SUCCESS if sent else messages.ERROR)
            return HttpResponseRedirect(reverse("admin:clinic_user_change", args=[user.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Send a password link",
            "opts": self.opts,
            "original": user,
            "has_password": user.has_usable_password(),
        }
        return TemplateResponse(request, "admin/clinic/user/send_reset_link.html", context)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        user = self._account_or_404(request, id)
        if is_patient(user):
            raise PermissionDenied("Staff never set a patient's password: send a link instead.")
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_record(request=request, patient=user, action="set password in admin")
        return response

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            changed = ", ".join(form.changed_data) or "nothing"
            audit_record(
                request=request,
                patient=obj,
                action="changed account in admin",
                detail=f"changed: {changed}",
            )
        else:
            audit_record(request=request, patient=obj, action="added account in admin")

    @admin.action(description="Send a link to choose a password")
    def send_reset_links(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            sent, message = reset_link_send(request=request, user=user)
            self.message_user(request, message, messages.SUCCESS if sent else messages.ERROR)

    @admin.display(description="phone")
    def phone(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return str(profile.phone.as_international) if profile and profile.phone else ""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A manager runs the clinic's staff list; only a superuser can make another superuser.
        readonly = ["reset_link", "last_login", "date_joined"]
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
    # Only the staff who have entries: the plain related filter would list every person, so
    # every patient's name would be on the page (and each view would be audited for all).
    list_filter = ("action", "created_at", ("actor", admin.RelatedOnlyFieldListFilter))
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


@admin.register(AccessAttempt)
class LoginLockoutAdmin(AccessAttemptAdmin):
    """Failed logins as django-axes counts them (clinic/lockout.py). A manager unlocks an
    account, or an address, by removing its failed attempts; the unlock is audited against the
    account it was for. Managers hold no permission on axes' models: the role decides here."""

    actions = ["unlock"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.MANAGER)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.MANAGER)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.MANAGER)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _audit_unlock(self, request: HttpRequest, attempts: Any) -> None:
        names = {a.username for a in attempts if a.username}
        for user in User.objects.filter(email__in=names):
            audit_record(request=request, patient=user, action="unlocked login in admin")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self._audit_unlock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._audit_unlock(request, list(queryset))
        super().delete_queryset(request, queryset)

    @admin.action(description="Unlock: forget these failed logins")
    def unlock(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = len(queryset)
        self.delete_queryset(request, queryset)
        self.message_user(request, f"Unlocked: {count} record(s) of failed logins removed.")
