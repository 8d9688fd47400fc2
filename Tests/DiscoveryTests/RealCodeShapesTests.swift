import Artifacts
import Discovery
import Foundation
import Testing

/// Shapes met in real, unmodified apps (Tests/RealApps), each cut down to the lines that
/// matter: every one of them crashed the scan or lost routes before.
@Suite struct RealCodeShapesTests {
    @Test func namesImportedInACycleAcrossModulesEndTheScanWithoutACrash() {
        let result = scan([
            "a.py": """
            from b import PREFIX
            from fastapi import FastAPI
            app = FastAPI()

            @app.get(PREFIX + "/a")
            def a(): ...
            """,
            "b.py": "from c import PREFIX\n",
            "c.py": "from a import PREFIX\n",
        ])
        #expect(result.routeTable == ["GET {?PREFIX}/a": "a.py:6 a"])
        #expect(result.diagnostics.contains { $0.file == "a.py" && $0.line == 5 && $0.message.contains("`PREFIX`") })
    }

    @Test func aChainOfBindingsDeeperThanTheBoundIsCutWithADiagnostic() {
        var source = "from fastapi import FastAPI\napp = FastAPI()\nx0 = \"/deep\"\n"
        for index in 1...5000 { source += "x\(index) = x\(index - 1)\n" }
        source += "@app.get(x5000)\ndef deep(): ...\n"
        let result = scan(["main.py": source])
        #expect(result.routes.map(\.path) == ["{?x5000}"])
        #expect(result.diagnostics.contains { $0.message.contains("more than 200 levels deep") })
    }

    @Test func thePackageFolderGivenDirectlyResolvesItsOwnAbsoluteImports() throws {
        let folder = try TemporaryFolder()
        try folder.write("site/shop/__init__.py", "")
        try folder.write(
            "site/shop/app.py",
            """
            from flask import Flask
            from shop.web.views import bp

            app = Flask(__name__)
            app.register_blueprint(bp, url_prefix="/web")
            """)
        try folder.write("site/shop/web/__init__.py", "")
        try folder.write(
            "site/shop/web/views.py",
            """
            from flask import Blueprint
            bp = Blueprint("web", __name__)

            @bp.get("/items/<int:item_id>")
            def item(item_id): ...
            """)
        for root in ["site/shop", "site"] {
            let result = try Scanner.scan(ScanOptions(root: folder.url.appendingPathComponent(root)))
            let file = root == "site" ? "shop/web/views.py" : "web/views.py"
            #expect(result.routeTable == ["GET /web/items/{item_id}": "\(file):5 item"], "scanning \(root)")
            #expect(!result.diagnostics.contains { $0.message.contains("no app includes") }, "scanning \(root)")
        }
    }

    @Test func aSrcLayoutResolvesImportsOfThePackageInside() {
        let result = scan([
            "src/svc/__init__.py": "",
            "src/svc/main.py": """
            from fastapi import FastAPI
            from svc.api import router
            app = FastAPI()
            app.include_router(router, prefix="/v1")
            """,
            "src/svc/api.py": """
            from fastapi import APIRouter
            router = APIRouter()

            @router.get("/ping")
            async def ping(): ...
            """,
        ])
        #expect(result.routeTable == ["GET /v1/ping": "src/svc/api.py:5 ping"])
    }

    @Test func prefixesFromSettingsDefaultsEnvironmentDefaultsAndFStrings() {
        let result = scan([
            "config.py": """
            import os
            from pydantic import Field
            from pydantic_settings import BaseSettings

            class RunConfig(BaseSettings):
                root_path: str = ""
                api: str = Field(default="/api")

            class Config(BaseSettings):
                run: RunConfig = RunConfig()

            config = Config()
            VERSION = os.getenv("API_VERSION", "v2")
            MOUNT = os.environ.get("MOUNT") or "/m"
            """,
            "main.py": """
            from fastapi import APIRouter, FastAPI
            from config import MOUNT, VERSION, config

            app = FastAPI()
            router = APIRouter(prefix=config.run.root_path)
            versioned = APIRouter(prefix=f"{config.run.api}/{VERSION}")

            @router.get("/project/{id}")
            def project(id: int): ...

            @versioned.get("/users")
            def users(): ...

            @app.get(MOUNT + "/health")
            def health(): ...

            app.include_router(router)
            app.include_router(versioned)
            """,
        ])
        #expect(
            result.routeTable == [
                "GET /project/{id}": "main.py:9 project", "GET /api/v2/users": "main.py:12 users",
                "GET /m/health": "main.py:15 health",
            ])
        #expect(!result.diagnostics.contains { $0.message.contains("dynamic route") })
    }

    @Test func aPrefixKnownOnlyAtRunTimeIsMarkedAndTheRoutesAreKept() {
        let result = scan([
            "main.py": """
            from fastapi import APIRouter, FastAPI
            from settings import load

            app = FastAPI()
            router = APIRouter(prefix=load().root_path)

            @router.get("/project/{id}")
            def project(id: int): ...

            app.include_router(router)
            """
        ])
        #expect(result.routeTable == ["GET {?root_path}/project/{id}": "main.py:8 project"])
        #expect(result.diagnostics.contains { $0.line == 5 && $0.message.hasPrefix("partly dynamic route at main.py:5: the prefix `load().root_path`") })
    }

    @Test func routerSubclassesAndRoutersIncludedInALoopInsideAFactory() {
        let result = scan([
            "routers.py": """
            from fastapi import APIRouter

            class VersionedRouter(APIRouter):
                def __init__(self, version="v1", **kwargs):
                    super().__init__(prefix=f"/{version}", **kwargs)

            class AdminRouter(VersionedRouter):
                pass

            users = VersionedRouter(tags=["users"])
            admin = AdminRouter(prefix="/admin")
            items = APIRouter(prefix="/items")

            @users.get("/users")
            def list_users(): ...

            @admin.post("/reset")
            def reset(): ...

            @items.get("/{item_id}")
            def item(item_id: int): ...
            """,
            "app.py": """
            from fastapi import FastAPI
            import routers

            ROUTERS = (routers.users, routers.admin)

            def create_app():
                app = FastAPI()
                for router in ROUTERS:
                    app.include_router(router, prefix="/api")
                for router, prefix in [(routers.items, "/shop")]:
                    app.include_router(router, prefix=prefix)
                return app
            """,
        ])
        #expect(result.apps.map(\.id) == ["app:create_app()"])
        #expect(
            result.routeTable == [
                "GET /api/v1/users": "routers.py:15 list_users", "POST /api/admin/reset": "routers.py:18 reset",
                "GET /shop/items/{item_id}": "routers.py:21 item",
            ])
    }

    @Test func djangoViewAliasesAndPatternsAddedAfterTheFirstAssignment() {
        let result = scan([
            "proj/settings.py": "ROOT_URLCONF = \"proj.urls\"\n",
            "proj/urls.py": """
            from django.conf import settings
            from django.urls import include, path
            from proj import views

            dashboard = views.Dashboard.as_view()

            urlpatterns = [
                path("", dashboard, name="dashboard"),
            ]
            urlpatterns += [path("about/", views.about)]
            urlpatterns.append(path("shop/", include("shop.urls")))
            if settings.DEBUG:
                urlpatterns.extend([path("debug/", views.debug)])
            """,
            "proj/views.py": """
            from django.views.generic import TemplateView

            def about(request): ...

            def debug(request): ...

            class Dashboard(TemplateView):
                template_name = "dashboard.html"
            """,
            "shop/urls.py": """
            from django.urls import re_path
            from shop.views import Cart
            urlpatterns = [re_path(r"^cart/(?P<pk>[0-9]+)/$", Cart.as_view())]
            """,
            "shop/views.py": """
            from django.views import View

            class Cart(View):
                def get(self, request, pk): ...
            """,
        ])
        #expect(
            result.routeTable == [
                "GET /": "proj/views.py:7 Dashboard",
                "ANY /about/": "proj/views.py:3 about", "ANY /debug/": "proj/views.py:5 debug",
                "GET /shop/cart/{pk}/": "shop/views.py:3 Cart",
            ])
    }
}

@Suite struct RealCodeShapesStarletteTests {
    @Test func mountsWrittenInsideTheAppsRouteListAndAPrefixWithAFallback() {
        let result = scan([
            "app.py": """
            from starlette.applications import Starlette
            from starlette.routing import Mount, Route
            from starlette.staticfiles import StaticFiles
            from rules import API_RULES

            def landing(request): ...

            api_routes = [Route("/", landing)]
            url_prefix = API_RULES.get_url_prefix("starlette")
            APP = Starlette(
                routes=[
                    Mount(f"{url_prefix}/static", StaticFiles(directory="static")),
                    Mount(url_prefix or "/api", routes=api_routes),
                ]
            )
            """
        ])
        #expect(result.routeTable == ["GET /api/": "app.py:6 landing"])
        #expect(!result.diagnostics.contains { $0.message.contains("no app includes") })
    }

    @Test func aRouterSubclassImitatingFastAPIsDecoratorsWhoseRoutesAreHandedToTheApp() {
        let result = scan([
            "router.py": """
            from starlette.routing import Router

            class APIRouter(Router):
                def __init__(self, prefix: str = "") -> None:
                    self.prefix = prefix
                    super().__init__()
            """,
            "endpoints.py": """
            from router import APIRouter
            router = APIRouter()

            @router.post("/completion")
            async def completion(request): ...
            """,
            "main.py": """
            from starlette.applications import Starlette
            from router import APIRouter
            from endpoints import router as ai_router

            def build_routes(base_url: str = ""):
                app_router = APIRouter(prefix=base_url)
                app_router.include_router(ai_router, prefix="/api/ai")
                return app_router.routes

            def create_app(base_url: str = ""):
                return Starlette(routes=build_routes(base_url=base_url))
            """,
        ])
        #expect(result.routeTable == ["POST /api/ai/completion": "endpoints.py:5 completion"])
    }

    @Test func anAppMountedInsideAnotherIsServedOnlyAtTheMount() {
        let result = scan([
            "server.py": """
            from fastapi import APIRouter, FastAPI
            router = APIRouter(prefix="/flows")

            @router.get("/")
            def flows(): ...

            def create_app():
                api_app = FastAPI()
                api_app.include_router(router)
                app = FastAPI()
                app.mount("/api", api_app)
                return app

            def helper(data):
                for key, value in data.items():
                    value.get("extents", {})
            """
        ])
        #expect(result.routeTable == ["GET /api/flows/": "server.py:5 flows"])
        #expect(result.apps.map(\.id) == ["server:create_app()"])
        #expect(result.diagnostics.isEmpty)
    }
}

@Suite struct RealCodeShapesFlaskTests {
    @Test func aBlueprintHandedToAFunctionAndResourcesNamedLikeTheirSubmodules() {
        let result = scan([
            "shop/__init__.py": "",
            "shop/api/__init__.py": "from .Watch import Watch\n",
            "shop/api/Watch.py": """
            from flask_restful import Resource

            class Watch(Resource):
                def get(self, uuid): ...
                def delete(self, uuid): ...
            """,
            "shop/rss/feed.py": """
            def construct_feed_routes(rss_blueprint, datastore):
                @rss_blueprint.route("", methods=["GET"])
                def feed():
                    return datastore
            """,
            "shop/rss/blueprint.py": """
            from flask import Blueprint
            from shop.rss import feed

            def construct_blueprint(datastore):
                rss_blueprint = Blueprint("rss", __name__)
                feed.construct_feed_routes(rss_blueprint, datastore)
                return rss_blueprint
            """,
            "shop/app.py": """
            from flask import Flask
            from flask_restful import Api
            from shop.api import Watch
            from shop.rss.blueprint import construct_blueprint

            app = Flask(__name__)
            api = Api(app)

            def setup(datastore):
                api.add_resource(Watch, "/api/v1/watch/<string:uuid>")
                app.register_blueprint(construct_blueprint(datastore), url_prefix="/rss")
            """,
        ])
        #expect(
            result.routeTable == [
                "GET /api/v1/watch/{uuid}": "shop/api/Watch.py:3 Watch", "DELETE /api/v1/watch/{uuid}": "shop/api/Watch.py:3 Watch",
                "GET /rss": "shop/rss/feed.py:3 feed",
            ])
    }
}

@Suite struct RealCodeShapesDjangoTests {
    @Test func urlpatternsBoundToAnotherListAndListsIncludedByName() {
        let result = scan([
            "site/settings.py": "ROOT_URLCONF = 'site.urls'\n",
            "site/urls.py": """
            from django.conf import settings
            from django.conf.urls import include, url
            from site import views

            api_urls = [url(r'^ping$', views.ping)]
            loop = loop + [url(r'^never$', views.ping)]
            site_urls = [
                url('^api/', include(api_urls)),
                url('^composer', include('site.composer')),
                url('^$', views.home),
            ]

            if settings.URL_PREFIX.strip('/'):
                urlpatterns = [url(r'^{0}/'.format(settings.URL_PREFIX.strip('/')), include(site_urls))]
            else:
                urlpatterns = site_urls + loop
            """,
            "site/composer.py": """
            from django.conf.urls import url
            from site import views
            urlpatterns = [url(r'^/mygraph', views.home)]
            """,
            "site/views.py": """
            def ping(request): ...

            def home(request): ...
            """,
        ])
        #expect(
            result.routeTable == [
                "ANY /api/ping": "site/views.py:1 ping", "ANY /composer/mygraph": "site/views.py:3 home",
                "ANY /": "site/views.py:3 home",
                // `loop = loop + [...]` refers to itself: read once, its literal part listed, and the walk ends.
                "ANY /never": "site/views.py:1 ping",
            ])
    }
}

@Suite struct RealCodeShapesDjangoRESTTests {
    @Test func restFrameworkRoutersGenerateListDetailAndActionRoutesFromTheViewSets() {
        let result = scan([
            "proj/settings.py": "ROOT_URLCONF = 'proj.urls'\n",
            "proj/urls.py": """
            from django.conf import settings
            from django.urls import include, path

            urlpatterns = [
                path('api/dcim/', include('dcim.api.urls')),
            ]
            urlpatterns = [path(settings.BASE_PATH, include(urlpatterns))]
            """,
            "proj/routers.py": """
            from rest_framework.routers import DefaultRouter

            class BulkRouter(DefaultRouter):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    self.routes[0].mapping.update({
                        'put': 'bulk_update',
                        'delete': 'bulk_destroy',
                    })
            """,
            "proj/mixins.py": """
            class BulkUpdateMixin:
                def bulk_update(self, request): ...
            """,
            "dcim/api/urls.py": """
            from proj.routers import BulkRouter
            from . import views

            router = BulkRouter()
            router.APIRootView = views.DCIMRootView
            router.register('sites', views.SiteViewSet)
            router.register('regions', views.RegionViewSet)
            urlpatterns = router.urls
            """,
            "dcim/api/views.py": """
            from rest_framework.decorators import action
            from rest_framework.routers import APIRootView
            from rest_framework.viewsets import ModelViewSet, ReadOnlyModelViewSet
            from proj.mixins import BulkUpdateMixin

            class DCIMRootView(APIRootView):
                pass

            class SiteViewSet(BulkUpdateMixin, ModelViewSet):
                lookup_field = 'slug'

                @action(detail=True, methods=['post'], url_path='sync')
                def sync(self, request, slug=None): ...

            class RegionViewSet(ReadOnlyModelViewSet):
                pass
            """,
        ])
        let prefix = "/{?BASE_PATH}api/dcim/"
        #expect(
            result.routeTable == [
                "GET \(prefix)sites/": "dcim/api/views.py:9 SiteViewSet", "POST \(prefix)sites/": "dcim/api/views.py:9 SiteViewSet",
                "PUT \(prefix)sites/": "dcim/api/views.py:9 SiteViewSet",
                "GET \(prefix)sites/{slug}/": "dcim/api/views.py:9 SiteViewSet", "PUT \(prefix)sites/{slug}/": "dcim/api/views.py:9 SiteViewSet",
                "PATCH \(prefix)sites/{slug}/": "dcim/api/views.py:9 SiteViewSet",
                "DELETE \(prefix)sites/{slug}/": "dcim/api/views.py:9 SiteViewSet",
                "POST \(prefix)sites/{slug}/sync/": "dcim/api/views.py:9 SiteViewSet",
                "GET \(prefix)regions/": "dcim/api/views.py:15 RegionViewSet",
                "GET \(prefix)regions/{pk}/": "dcim/api/views.py:15 RegionViewSet",
                "GET \(prefix)": "dcim/api/views.py:6 DCIMRootView",
            ])
        #expect(result.diagnostics.contains { $0.file == "proj/urls.py" && $0.line == 7 && $0.message.contains("`settings.BASE_PATH`") })
        #expect(!result.diagnostics.contains { $0.message.contains("levels deep") })
    }

    @Test func genericViewsServeTheMethodsTheirDjangoAndDRFBasesDefine() {
        let result = scan([
            "proj/settings.py": "ROOT_URLCONF = 'proj.urls'\n",
            "proj/urls.py": """
            from django.urls import path
            from proj import views
            urlpatterns = [
                path('add/', views.AddView.as_view()),
                path('gone/', views.GoneView.as_view()),
                path('dash/', views.DashboardView.as_view()),
            ]
            """,
            "proj/views.py": """
            from django.views.generic import DeleteView, FormView
            from rest_framework.generics import RetrieveUpdateDestroyAPIView

            class AddView(FormView):
                def post(self, request): ...

            class GoneView(DeleteView):
                pass

            class DashboardView(RetrieveUpdateDestroyAPIView):
                pass
            """,
        ])
        #expect(result.routes.first { $0.path == "/add/" }?.methods == ["GET", "POST", "PUT"])
        #expect(result.routes.first { $0.path == "/gone/" }?.methods == ["DELETE", "GET", "POST"])
        #expect(result.routes.first { $0.path == "/dash/" }?.methods == ["DELETE", "GET", "PATCH", "PUT"])
    }
}

@Suite struct RealCodeShapesClassBuiltTests {
    @Test func routeTablesBuiltByMethodsOfAClassWithBoundMethodEndpoints() {
        let result = scan([
            "server.py": """
            from abc import ABC, abstractmethod
            from typing import Generic, TypeVar
            from starlette.applications import Starlette

            T = TypeVar("T")

            class GraphQLServer(ABC, Generic[T]):
                @abstractmethod
                def build_routes(self): ...

                def create_asgi_app(self, **kwargs):
                    return Starlette(routes=self.build_routes(), **kwargs)
            """,
            "web.py": """
            from starlette.routing import Route
            from server import GraphQLServer

            class Webserver(GraphQLServer[dict]):
                def info(self, request): ...

                def notebook(self, request): ...

                def static_routes(self):
                    return [Route(entry, self.info) for entry in listing()]

                def build_routes(self):
                    routes = (
                        [Route("/server_info", self.info)]
                        + self.static_routes()
                        + [Route("/notebook", self.notebook, methods=["GET", "POST"])]
                    )
                    return routes
            """,
            "app.py": """
            from web import Webserver

            def create_app(context):
                return Webserver().create_asgi_app()
            """,
        ])
        #expect(result.routeTable == ["GET /server_info": "web.py:5 info", "GET /notebook": "web.py:7 notebook", "POST /notebook": "web.py:7 notebook"])
        #expect(result.apps.map(\.id) == ["server:GraphQLServer.create_asgi_app()"])
    }
}

@Suite struct RealCodeShapesHelperTests {
    @Test func aHelperThatRegistersWhatItsCallersPassRunsOncePerCall() {
        let result = scan([
            "forum/utils.py": """
            def register_view(bp_or_app, routes, view_func, *args, **kwargs):
                for route in routes:
                    bp_or_app.add_url_rule(route, view_func=view_func, *args, **kwargs)
            """,
            "forum/views.py": """
            from flask import Blueprint, Flask
            from flask.views import MethodView
            from forum.utils import register_view

            forum = Blueprint("forum", __name__)

            class IndexView(MethodView):
                def get(self): ...

            class TopicView(MethodView):
                def get(self, topic_id): ...
                def post(self, topic_id): ...

            register_view(forum, routes=["/", "/index"], view_func=IndexView.as_view("index"))
            register_view(forum, routes=["/topic/<int:topic_id>"], view_func=TopicView.as_view("topic"))

            app = Flask(__name__)
            app.register_blueprint(forum, url_prefix="/forum")
            """,
        ])
        #expect(
            result.routeTable == [
                "GET /forum/": "forum/views.py:7 IndexView", "GET /forum/index": "forum/views.py:7 IndexView",
                "GET /forum/topic/{topic_id}": "forum/views.py:10 TopicView", "POST /forum/topic/{topic_id}": "forum/views.py:10 TopicView",
            ])
    }
}

@Suite struct RealCodeShapesBlueprintSubclassTests {
    @Test func blueprintsOfASubclassWhoseInitDerivesThePrefixRegisteredInALoopOverAReturnedList() {
        let result = scan([
            "admin/utils.py": """
            from flask import Blueprint

            class AdminModule(Blueprint):
                def __init__(self, name, import_name, **kwargs):
                    kwargs.setdefault("url_prefix", "/" + name)
                    super().__init__(name, import_name, **kwargs)
            """,
            "admin/dashboard.py": """
            from admin.utils import AdminModule
            MODULE_NAME = "dashboard"
            blueprint = AdminModule(MODULE_NAME, __name__)

            @blueprint.route("/activity/<int:sid>")
            def activity(sid): ...
            """,
            "admin/about.py": """
            from admin.utils import AdminModule
            blueprint = AdminModule("about", __name__, url_prefix="/help/about")

            @blueprint.route("/")
            def index(): ...
            """,
            "admin/submodules.py": """
            from admin.about import blueprint as AboutModule
            from admin.dashboard import blueprint as DashboardModule

            def get_submodules():
                return [AboutModule, DashboardModule]
            """,
            "admin/app.py": """
            from flask import Flask
            from admin.submodules import get_submodules

            def create_app():
                app = Flask(__name__)
                for module in get_submodules():
                    app.register_blueprint(module)
                return app
            """,
        ])
        #expect(result.routeTable == ["GET /dashboard/activity/{sid}": "admin/dashboard.py:6 activity", "GET /help/about/": "admin/about.py:5 index"])
    }
}
