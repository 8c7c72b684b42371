from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def capability_required(capability: str):
    """Signed in and holding `capability` (a role grants it), or 403.

    A missing capability concerns a whole feature, not a record, so it may say 403;
    records outside the scope are 404 through get_visible_or_404.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not request.user.can(capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
