"""Sign-in for the app: users and roles from a TOML file with hashed passwords.

``apps.auth.users`` reads the file, ``apps.auth.passwords`` hashes and verifies,
``apps.auth.session`` is the Streamlit sign-in gate, ``python -m apps.auth`` the admin CLI.
Who may see which rows is decided in the data-access layer (``apps.queries.access``).
"""
