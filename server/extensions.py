"""Flask extensions, created unbound; create_app() binds them."""

from __future__ import annotations

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
# Checked explicitly by the console's forms only: the JSON API authenticates with bearer
# tokens (no ambient cookie to forge with) and the customer's link is its own secret.
csrf = CSRFProtect()
# Keyed by client address; behind a reverse proxy, wrap the app in werkzeug's ProxyFix.
limiter = Limiter(get_remote_address)
# gzip for the views that ask for it (the pull): devices pull over mobile networks.
compress = Compress()
