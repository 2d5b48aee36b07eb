from django.urls import path

from . import views

app_name = "frameworks"

urlpatterns = [
    path("frameworks/", views.framework_list, name="list"),
    path("frameworks/<slug:framework_slug>/", views.framework_detail, name="detail"),
    path("frameworks/<slug:framework_slug>/v<int:number>/", views.framework_version, name="version"),
    path("assessments/", views.my_assessments, name="my_assessments"),
    path("assessments/points/<int:point_id>/start/", views.start_assessment, name="start"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:assessment_id>/items/<int:item_id>/rating/", views.save_rating, name="rate"),
    path("assessments/<int:assessment_id>/items/<int:item_id>/consensus/", views.save_consensus, name="consensus"),
    path("assessments/<int:assessment_id>/submit/", views.submit_assessment, name="submit"),
    path("assessments/<int:assessment_id>/results/", views.results, name="results"),
    path("assessments/cohorts/<int:cohort_id>/", views.cohort_overview, name="cohort_overview"),
    path("assessments/organizations/<int:organization_id>/", views.organization_history, name="organization_history"),
    path("workplans/", views.workplan_list, name="workplans"),
    path("workplans/teams/<int:team_id>/start/", views.start_workplan, name="start_workplan"),
    path("workplans/<int:workplan_id>/", views.workplan_detail, name="workplan"),
    path("workplans/<int:workplan_id>/goals/", views.add_goal, name="add_goal"),
    path("workplans/<int:workplan_id>/goals/<int:goal_id>/actions/", views.add_action, name="add_action"),
    path("workplans/<int:workplan_id>/actions/<int:action_id>/", views.update_action, name="update_action"),
    path("workplans/<int:workplan_id>/updates/", views.add_update, name="add_update"),
    path("workplans/<int:workplan_id>/support/", views.request_support, name="request_support"),
    path("workplans/<int:workplan_id>/support/<int:request_id>/log/", views.log_support, name="log_support"),
    path("workplans/<int:workplan_id>/export.pdf", views.export_pdf, name="export_pdf"),
    path("workplans/<int:workplan_id>/export.csv", views.export_csv, name="export_csv"),
    path("workplans/<int:workplan_id>/check-ins/<int:round_id>/", views.workplan_checkin, name="workplan_checkin"),
    path("workplans/check-ins/<int:round_id>/", views.checkin_overview, name="checkin_overview"),
]
