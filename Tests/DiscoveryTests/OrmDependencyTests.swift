import Artifacts
import Testing

/// Database and queue calls reached through ORMs and framework objects: Flask-SQLAlchemy,
/// SQLAlchemy sessions from annotations, the Django ORM and Celery tasks.
@Suite struct OrmDependencyTests {
    /// The calls found, as `callee@line library`, for compact expectations.
    static func calls(_ result: ScanResult, kind: DependencyKind) -> Set<String> {
        Set(result.dependencies.filter { $0.kind == kind }.map { "\($0.callee)@\($0.line) \($0.library)" })
    }

    @Test func flaskSQLAlchemyThroughAnExtensionsModule() {
        let result = scan([
            "app/__init__.py": "",
            "app/extensions.py": """
            from flask_sqlalchemy import SQLAlchemy

            db = SQLAlchemy()
            """,
            "app/models.py": """
            from .extensions import db

            class Base(db.Model):
                __abstract__ = True

            class User(Base):
                id = db.Column(db.Integer, primary_key=True)

            class NotAModel:
                query = None
            """,
            "app/views.py": """
            from flask import Flask
            from .extensions import db
            from .models import User, NotAModel

            app = Flask(__name__)
            db.init_app(app)

            @app.route("/users/<int:id>")
            def show(id):
                user = User.query.get_or_404(id)
                same = User.query.filter_by(id=id).first()
                rows = db.session.execute(db.select(User)).scalars().all()
                count = db.session.query(User).filter(User.id > 1).count()
                db.session.add(user)
                db.session.delete(user)
                db.session.commit()
                NotAModel.query.get(1)
                page = db.paginate(db.select(User))
                return db.get_or_404(User, id)
            """,
        ])
        #expect(
            Self.calls(result, kind: .database) == [
                "User.query.get_or_404@10 flask_sqlalchemy", "User.query.filter_by().first@11 flask_sqlalchemy",
                "db.session.execute@12 flask_sqlalchemy", "db.session.query().filter().count@13 flask_sqlalchemy",
                "db.session.commit@16 flask_sqlalchemy", "db.paginate@18 flask_sqlalchemy",
                "db.get_or_404@19 flask_sqlalchemy",
            ])
        #expect(result.dependencies.allSatisfy { $0.routes == ["GET /users/{id}"] })
    }

    @Test func sqlalchemySessionsFromAnnotationsAndDepends() {
        let result = scan([
            "main.py": """
            from fastapi import Depends, FastAPI
            from sqlalchemy.orm import Session
            from sqlalchemy.ext.asyncio import AsyncSession

            from .db import get_db, get_session

            app = FastAPI()

            @app.get("/items")
            def items(db: Session = Depends(get_db)):
                first = db.query(Item).filter(Item.id == 1).first()
                db.add(first)
                return db.query(Item).all()

            @app.post("/items")
            async def create(session: AsyncSession = Depends(get_session)):
                await session.merge(Item())
                query = session.query(Item)
                return await session.execute(select(Item))
            """,
        ])
        #expect(
            Self.calls(result, kind: .database) == [
                "db.query().filter().first@11 sqlalchemy", "db.query().all@13 sqlalchemy",
                "session.merge@17 sqlalchemy", "session.execute@19 sqlalchemy",
            ])
        #expect(result.dependency("db.query().all")?.routes == ["GET /items"])
        #expect(result.dependency("session.execute")?.routes == ["POST /items"])
    }

    @Test func sessionsTypedThroughAnAnnotatedAlias() {
        let result = scan([
            "app/__init__.py": "",
            "app/deps.py": """
            from typing import Annotated
            from fastapi import Depends
            from sqlalchemy.orm import Session

            def get_db(): ...

            SessionDep = Annotated[Session, Depends(get_db)]
            NotASession = Annotated[dict, Depends(get_db)]
            """,
            "app/main.py": """
            from fastapi import FastAPI
            from .deps import SessionDep, NotASession

            app = FastAPI()

            @app.get("/users")
            def users(session: SessionDep, cache: NotASession):
                cache.get("k")
                session.get(User, 1)
                return session.query(User).all()
            """,
        ])
        #expect(Self.calls(result, kind: .database) == ["session.get@9 sqlalchemy", "session.query().all@10 sqlalchemy"])
        #expect(result.dependency("session.get")?.routes == ["GET /users"])
    }

    @Test func djangoManagersQuerysetsInstancesAndTransactions() {
        let result = scan([
            "proj/__init__.py": "",
            "proj/settings.py": #"ROOT_URLCONF = "proj.urls""#,
            "proj/wsgi.py": """
            from django.core.wsgi import get_wsgi_application
            application = get_wsgi_application()
            """,
            "proj/urls.py": """
            from django.urls import path
            from shop import views

            urlpatterns = [path("items/", views.items)]
            """,
            "shop/__init__.py": "",
            "shop/models.py": """
            from django.db import models

            class Stamped(models.Model):
                class Meta:
                    abstract = True

            class Item(Stamped):
                name = models.CharField(max_length=10)

                def touch(self):
                    self.save()

            class Registry:
                objects = {}
            """,
            "shop/views.py": """
            from django.contrib.auth.models import User
            from django.db import transaction
            from django.http import JsonResponse
            from django.shortcuts import get_object_or_404
            from .models import Item, Registry

            def items(request):
                n = Item.objects.filter(name="a").exclude(name="b").count()
                item = Item.objects.get(pk=1)
                with transaction.atomic():
                    new = Item(name="x")
                    new.save()
                    Item.objects.all().update(name="y")
                for row in Item.objects.filter(name="z"):
                    pass
                Registry.objects.get("k")
                users = User.objects.exists()
                Item.objects.filter(name="a")
                get_object_or_404(Item, pk=2)
                item.delete()
                other = Registry.objects.get("k")
                other.save()
                return JsonResponse({"n": n})
            """,
        ])
        #expect(
            Self.calls(result, kind: .database) == [
                "Item.objects.filter().exclude().count@8 django", "Item.objects.get@9 django",
                "transaction.atomic@10 django", "new.save@12 django", "Item.objects.all().update@13 django",
                "User.objects.exists@17 django", "self.save@11 django", "get_object_or_404@19 django",
                "item.delete@20 django",
            ])
        #expect(result.dependency("Item.objects.get")?.routes == ["ANY /items/"])
        #expect(result.dependency("self.save")?.routes == [])
    }

    @Test func celeryTasksSentWithDelayAndApplyAsync() {
        let result = scan([
            "tasks.py": """
            from celery import Celery, shared_task

            celery_app = Celery("proj")

            @celery_app.task(bind=True)
            def resize(self, image_id): ...

            @shared_task
            def notify(user_id): ...

            def helper(x): ...
            """,
            "app.py": """
            from flask import Flask
            import tasks
            from tasks import notify, helper

            app = Flask(__name__)

            @app.post("/images/<int:image_id>")
            def upload(image_id):
                tasks.resize.delay(image_id)
                notify.apply_async(args=[1], countdown=5)
                tasks.celery_app.send_task("tasks.other")
                helper.delay(1)
                return "ok"
            """,
        ])
        #expect(
            Self.calls(result, kind: .queue) == [
                "tasks.resize.delay@9 celery", "notify.apply_async@10 celery", "tasks.celery_app.send_task@11 celery",
            ])
        #expect(result.dependencies.allSatisfy { $0.routes == ["POST /images/{image_id}"] })
    }

    @Test func boto3ClientCallsAreHTTPToAWS() {
        let result = scan([
            "store.py": """
            import boto3

            s3 = boto3.client("s3")

            def save(key, body):
                s3.put_object(Bucket="b", Key=key, Body=body)
                pages = s3.get_paginator("list_objects_v2")
                return s3.meta
            """
        ])
        #expect(Self.calls(result, kind: .http) == ["s3.put_object@6 botocore"])
    }
}

@Suite struct MailDependencyTests {
    @Test func smtpSessionsAreMailCalls() {
        let result = scan([
            "mail.py": """
            import smtplib

            def send(message):
                with smtplib.SMTP("localhost", 25) as server:
                    server.starttls()
                    server.login("u", "p")
                    server.send_message(message)
                    server.set_debuglevel(1)
            """
        ])
        #expect(
            OrmDependencyTests.calls(result, kind: .mail) == [
                "smtplib.SMTP@4 smtplib", "server.starttls@5 smtplib", "server.login@6 smtplib",
                "server.send_message@7 smtplib",
            ])
    }
}
