from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import services


@login_required
def my_data(request):
    return render(request, "privacy/my_data.html", {"groups": services.personal_data(request.user)})


@login_required
def my_data_json(request):
    response = HttpResponse(services.personal_data_json(request.user), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="praxis-my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    error = ""
    if request.method == "POST":
        if request.POST.get("email", "").strip().lower() != request.user.email.lower():
            error = "Type the email address of your account to confirm."
        elif request.user.has_usable_password() and not request.user.check_password(request.POST.get("password", "")):
            error = "That is not your password."
        else:
            services.erase_account(user=request.user)
            logout(request)
            messages.success(request, "Your account is deleted and your personal data erased.")
            return redirect("home")
    return render(request, "privacy/delete_account.html", {
        "error": error, "kept_invoices": services.kept_invoices(request.user),
    }, status=400 if error else 200)
