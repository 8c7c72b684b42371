from tests.api.conftest import token_for  # noqa: F401 - the API fixtures, for the training API tests
