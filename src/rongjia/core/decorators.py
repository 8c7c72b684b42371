from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def capability_required(*capabilities: str):
    """Signed in and holding one of `capabilities` (a role grants it), or 403.

    A missing capability concerns a whole feature, not a record, so it may say 403;
    records outside the scope are 404 through get_visible_or_404.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            if not any(request.user.can(capability) for capability in capabilities):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
