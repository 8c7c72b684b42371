"""Job fairs 专场招聘会 and training 培训."""

from django.urls import path

from . import views_courses, views_fairs

urlpatterns = [
    path("fairs/", views_fairs.fair_list, name="fairs"),
    path("fairs/new/", views_fairs.fair_new, name="fair_new"),
    path("fairs/<int:pk>/", views_fairs.fair_detail, name="fair_detail"),
    path("fairs/<int:pk>/edit/", views_fairs.fair_edit, name="fair_edit"),
    path("fairs/<int:pk>/invite/", views_fairs.fair_invite, name="fair_invite"),
    path("fairs/<int:pk>/check-in/", views_fairs.fair_check_in, name="fair_check_in"),
    path("fairs/<int:pk>/offer/", views_fairs.fair_offer, name="fair_offer"),
    path("fairs/<int:pk>/invitations/", views_fairs.fair_invitation, name="fair_invitation"),
    path("fairs/<int:pk>/invitations/<int:guest>/", views_fairs.fair_invitation, name="fair_invitation"),
    path("courses/", views_courses.course_list, name="courses"),
    path("courses/new/", views_courses.course_new, name="course_new"),
    path("courses/<int:pk>/", views_courses.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", views_courses.course_edit, name="course_edit"),
    path("courses/<int:pk>/enrol/", views_courses.course_enrol, name="course_enrol"),
    path("enrolments/<int:pk>/", views_courses.enrolment_step, name="enrolment_step"),
]
