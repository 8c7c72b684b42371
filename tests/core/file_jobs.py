"""Helpers for the files made in the background (core.jobs): press the button, run the job as the worker
would, and read what its page offers."""

from django.urls import reverse

from rongjia.core.models import FileJob


def started(client, url: str, capture, data=None):
    """POST the button with the job run at the commit (the immediate backend, as in the tests' settings)."""
    with capture(execute=True):
        return client.post(url, data or {})


def made_file(client, url: str, capture, data=None) -> tuple[FileJob, bytes]:
    """The job a button starts, once made, and the bytes its download gives."""
    response = started(client, url, capture, data)
    assert response.status_code == 302, response.content[:300]
    page = client.get(response["Location"])
    job = page.context["job"]
    assert job.state == FileJob.State.DONE, job.message
    download = client.get(reverse("core:file_job_download", args=[job.pk]))
    assert download.status_code == 200
    return job, b"".join(download.streaming_content)
