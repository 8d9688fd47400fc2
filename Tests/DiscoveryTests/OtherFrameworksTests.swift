import Artifacts
import Testing

@Suite struct StarletteRoutesTests {
    @Test func routeListsMountsAndEndpointClasses() {
        let result = scan([
            "app.py": """
            from starlette.applications import Starlette
            from starlette.endpoints import HTTPEndpoint
            from starlette.routing import Mount, Route

            async def homepage(request): ...

            async def user(request): ...

            class Items(HTTPEndpoint):
                async def get(self, request): ...
                async def post(self, request): ...

            api_routes = [
                Route("/users/{user_id:int}", user, methods=["GET", "DELETE"]),
                Route("/items", Items),
            ]

            routes = [
                Route("/", endpoint=homepage),
                Mount("/api", routes=api_routes),
            ]

            app = Starlette(debug=True, routes=routes)
            """
        ])
        #expect(result.apps.map(\.id) == ["app:app"])
        #expect(
            result.routeTable == [
                "GET /": "app.py:5 homepage", "GET /api/users/{user_id}": "app.py:7 user",
                "DELETE /api/users/{user_id}": "app.py:7 user", "GET /api/items": "app.py:9 Items",
                "POST /api/items": "app.py:9 Items",
            ])
        #expect(result.routes.allSatisfy { $0.framework == .starlette })
    }
}

@Suite struct FlaskRoutesTests {
    @Test func blueprintsWithPrefixesAddURLRuleAndAFactory() {
        let result = scan([
            "shop/__init__.py": """
            from flask import Flask
            from .items import bp as items_bp
            from . import orders

            def create_app():
                app = Flask(__name__)
                app.register_blueprint(items_bp, url_prefix="/api/items")
                app.register_blueprint(orders.bp)

                @app.route("/healthz")
                def healthz():
                    return "ok"

                app.add_url_rule("/version", view_func=version, methods=["GET", "HEAD"])
                return app

            def version():
                return "1"
            """,
            "shop/items.py": """
            from flask import Blueprint
            bp = Blueprint("items", __name__, url_prefix="/ignored")

            @bp.get("/")
            def list_items(): ...

            @bp.route("/<int:item_id>", methods=["GET", "PUT"])
            def item(item_id): ...

            @bp.post("/<item_id>/restock")
            def restock(item_id): ...
            """,
            "shop/orders.py": """
            from flask import Blueprint
            bp = Blueprint("orders", __name__, url_prefix="/api/orders")

            @bp.route("")
            def orders(): ...
            """,
        ])
        #expect(result.apps.map(\.id) == ["shop:create_app()"])
        #expect(
            result.routeTable == [
                "GET /api/items/": "shop/items.py:5 list_items",
                "GET /api/items/{item_id}": "shop/items.py:8 item", "PUT /api/items/{item_id}": "shop/items.py:8 item",
                "POST /api/items/{item_id}/restock": "shop/items.py:11 restock",
                "GET /api/orders": "shop/orders.py:5 orders",
                "GET /healthz": "shop/__init__.py:11 healthz",
                "GET /version": "shop/__init__.py:17 version", "HEAD /version": "shop/__init__.py:17 version",
            ])
        #expect(result.routes.first { $0.function == "item" }?.rawPath == "/api/items/<int:item_id>")
    }

    @Test func flaskRestfulResourcesAndMethodViews() {
        let result = scan([
            "api.py": """
            from flask import Flask
            from flask.views import MethodView
            from flask_restful import Api, Resource

            app = Flask(__name__)
            api = Api(app)

            class Todo(Resource):
                def get(self, todo_id): ...
                def delete(self, todo_id): ...

            class Users(MethodView):
                def get(self): ...
                def post(self): ...

            api.add_resource(Todo, "/todos/<todo_id>")
            app.add_url_rule("/users", view_func=Users.as_view("users"))
            """
        ])
        #expect(
            result.routeTable == [
                "GET /todos/{todo_id}": "api.py:8 Todo", "DELETE /todos/{todo_id}": "api.py:8 Todo",
                "GET /users": "api.py:12 Users", "POST /users": "api.py:12 Users",
            ])
    }
}

@Suite struct DjangoRoutesTests {
    @Test func urlconfsWithIncludeFunctionAndClassViews() {
        let result = scan([
            "proj/__init__.py": "",
            "proj/settings.py": #"ROOT_URLCONF = "proj.urls""#,
            "proj/wsgi.py": """
            from django.core.wsgi import get_wsgi_application
            application = get_wsgi_application()
            """,
            "proj/urls.py": """
            from django.urls import include, path
            from shop import views

            urlpatterns = [
                path("", views.index),
                path("api/", include("shop.urls")),
            ]
            """,
            "shop/__init__.py": "",
            "shop/urls.py": """
            from django.urls import path, re_path
            from . import views

            urlpatterns = [
                path("items/<int:pk>/", views.ItemView.as_view(), name="item"),
                re_path(r"^orders/(?P<order_id>[0-9]+)/$", views.order),
                path("list/", views.ItemList.as_view()),
            ]
            """,
            "shop/views.py": """
            from django.http import JsonResponse
            from django.views import View
            from django.views.decorators.http import require_http_methods
            from django.views.generic import ListView

            def index(request):
                return JsonResponse({})

            @require_http_methods(["GET", "POST"])
            def order(request, order_id):
                ...

            class ItemView(View):
                def get(self, request, pk): ...
                def delete(self, request, pk): ...

            class ItemList(ListView):
                model = None
            """,
        ])
        #expect(result.apps.map(\.id) == ["proj.wsgi:application"])
        #expect(
            result.routeTable == [
                "ANY /": "shop/views.py:6 index",
                "GET /api/items/{pk}/": "shop/views.py:13 ItemView", "DELETE /api/items/{pk}/": "shop/views.py:13 ItemView",
                "GET /api/orders/{order_id}/": "shop/views.py:10 order", "POST /api/orders/{order_id}/": "shop/views.py:10 order",
                "GET /api/list/": "shop/views.py:17 ItemList",
            ])
        #expect(result.routes.first { $0.function == "order" }?.rawPath == "/api/^orders/(?P<order_id>[0-9]+)/$")
        #expect(result.routes.allSatisfy { $0.framework == .django })
    }
}
