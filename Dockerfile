FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=collectstatic-only \
    DJANGO_ALLOWED_HOSTS=localhost REDIS_URL=redis://unused:6379/0 python manage.py collectstatic --noinput
RUN useradd --create-home praxis && chown -R praxis /app
USER praxis
EXPOSE 8000
