from django.urls import path

from planner import views

urlpatterns = [
    path("plans/policy/", views.policy_page, name="planning-policy"),
    path("intake/<int:intake_id>/submit", views.intake_submit, name="intake-submit"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/approve", views.plan_approve_view, name="plan-approve"),
    path("plans/<int:plan_id>/adjust", views.plan_adjust_view, name="plan-adjust"),
    path(
        "plans/<int:plan_id>/clear-hard-stop",
        views.plan_clear_hard_stop_view,
        name="plan-clear-hard-stop",
    ),
    path("plans/<int:plan_id>/stop", views.plan_stop_view, name="plan-stop"),
]
