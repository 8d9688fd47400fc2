import Artifacts

/// What the scanner knows about libraries: which calls leave the process (and can fail or
/// stall), which constructors make which client objects, and which names are the same class.
enum Catalog {
    struct Entry {
        var kind: DependencyKind
        var library: String
    }

    static let httpVerbs: Set<String> = ["get", "post", "put", "patch", "delete", "head", "options"]

    /// Public spellings of the same class or function, mapped to one name.
    static let aliases: [String: String] = [
        "redis.client.Redis": "redis.Redis", "redis.StrictRedis": "redis.Redis", "redis.client.StrictRedis": "redis.Redis",
        "redis.asyncio.client.Redis": "redis.asyncio.Redis", "redis.asyncio.StrictRedis": "redis.asyncio.Redis",
        "redis.asyncio.client.StrictRedis": "redis.asyncio.Redis", "redis.client.Redis.from_url": "redis.Redis.from_url",
        "requests.sessions.Session": "requests.Session", "requests.sessions.session": "requests.session",
        "requests.api.get": "requests.get", "requests.api.post": "requests.post", "requests.api.request": "requests.request",
        "httpx._client.Client": "httpx.Client", "httpx._client.AsyncClient": "httpx.AsyncClient",
        "aiohttp.client.ClientSession": "aiohttp.ClientSession",
        "sqlalchemy.orm.session.Session": "sqlalchemy.orm.Session",
        "sqlalchemy.orm.session.sessionmaker": "sqlalchemy.orm.sessionmaker",
        "sqlalchemy.ext.asyncio.session.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.async_sessionmaker": "sqlalchemy.ext.asyncio.async_sessionmaker",
        "sqlalchemy.engine.create_engine": "sqlalchemy.create_engine",
        "sqlalchemy.ext.asyncio.engine.create_async_engine": "sqlalchemy.ext.asyncio.create_async_engine",
        "sqlalchemy.engine.Engine": "sqlalchemy.Engine", "sqlalchemy.engine.base.Engine": "sqlalchemy.Engine",
        "sqlalchemy.engine.Connection": "sqlalchemy.Connection", "sqlalchemy.engine.base.Connection": "sqlalchemy.Connection",
        "fastapi.applications.FastAPI": "fastapi.FastAPI", "fastapi.routing.APIRouter": "fastapi.APIRouter",
        "starlette.applications.Starlette": "starlette.Starlette",
        "starlette.routing.Route": "starlette.Route", "starlette.routing.Mount": "starlette.Mount",
        "starlette.routing.Router": "starlette.Router", "starlette.routing.WebSocketRoute": "starlette.WebSocketRoute",
        "starlette.routing.Host": "starlette.Host", "fastapi.routing.APIRoute": "fastapi.APIRoute",
        "starlette.endpoints.HTTPEndpoint": "starlette.HTTPEndpoint",
        "flask.app.Flask": "flask.Flask", "flask.blueprints.Blueprint": "flask.Blueprint",
        "flask.views.MethodView": "flask.MethodView", "flask.views.View": "flask.View",
        "flask_restful.Api": "flask_restful.Api", "flask_restx.Api": "flask_restful.Api",
        "flask_restful.Resource": "flask_restful.Resource", "flask_restx.Resource": "flask_restful.Resource",
        "fastapi.params.Depends": "fastapi.Depends", "fastapi.param_functions.Depends": "fastapi.Depends",
        "fastapi.Security": "fastapi.Depends",
        "django.urls.conf.path": "django.urls.path", "django.urls.conf.re_path": "django.urls.re_path",
        "django.urls.conf.include": "django.urls.include", "django.conf.urls.url": "django.urls.re_path",
        "django.conf.urls.include": "django.urls.include",
        "psycopg2.extensions.connection": "psycopg2.connection",
        "starlette.concurrency.run_in_threadpool": "run_in_threadpool",
        "fastapi.concurrency.run_in_threadpool": "run_in_threadpool",
        "asyncio.to_thread": "run_in_threadpool", "anyio.to_thread.run_sync": "run_in_threadpool",
        "flask_sqlalchemy.extension.SQLAlchemy": "flask_sqlalchemy.SQLAlchemy",
        "sqlalchemy.orm.scoping.scoped_session": "sqlalchemy.orm.scoped_session",
        "sqlmodel.Session": "sqlalchemy.orm.Session", "sqlmodel.orm.session.Session": "sqlalchemy.orm.Session",
        "sqlmodel.ext.asyncio.session.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
        "django.db.models.base.Model": "django.db.models.Model", "celery.app.base.Celery": "celery.Celery",
        "celery.app.shared_task": "celery.shared_task", "boto3.session.Session": "boto3.Session",
    ]

    static func canonical(_ name: String) -> String { aliases[name] ?? name }

    /// Last names of every call the catalog knows as a dependency call. A call whose callee
    /// ends in another name can only be one through an import alias or a redis client
    /// (whose every command is one), which `DependencyCollector` checks apart.
    static let dependencyNames: Set<String> = [
        "get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream", "ws_connect",
        "urlopen", "connect", "execute", "executemany", "executescript", "commit", "rollback", "fetchone",
        "fetchall", "fetchmany", "begin", "scalars", "scalar", "flush", "refresh", "exec", "copy", "fetch",
        "fetchrow", "fetchval", "copy_records_to_table", "create_pool", "sleep", "run", "call", "check_call",
        "check_output", "Popen", "getoutput", "getstatusoutput", "system", "popen", "create_subprocess_exec",
        "create_subprocess_shell", "open", "merge", "SMTP", "SMTP_SSL", "sendmail", "send_message", "login", "starttls",
    ]

    /// Packages whose names, once imported under another name, make any call worth resolving.
    static let watchedPackages: [String] = [
        "httpx", "requests", "aiohttp", "urllib", "sqlite3", "sqlalchemy", "redis", "psycopg", "psycopg2", "asyncpg",
        "time", "asyncio", "subprocess", "os", "io", "builtins", "fastapi", "starlette", "flask", "flask_restful",
        "flask_restx", "django", "contextlib", "flask_sqlalchemy", "sqlmodel", "celery", "boto3", "smtplib",
    ]

    /// Callables that build a client object: callable → type of the instance.
    static let constructors: [String: String] = [
        "httpx.Client": "httpx.Client", "httpx.AsyncClient": "httpx.AsyncClient",
        "requests.Session": "requests.Session", "requests.session": "requests.Session",
        "aiohttp.ClientSession": "aiohttp.ClientSession",
        "sqlite3.connect": "sqlite3.Connection", "sqlite3.Connection": "sqlite3.Connection",
        "sqlalchemy.create_engine": "sqlalchemy.Engine",
        "sqlalchemy.ext.asyncio.create_async_engine": "sqlalchemy.AsyncEngine",
        "sqlalchemy.orm.Session": "sqlalchemy.orm.Session", "sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.sessionmaker",
        "sqlalchemy.orm.scoped_session": "sqlalchemy.orm.Session",
        "sqlalchemy.ext.asyncio.AsyncSession": "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.async_sessionmaker": "sqlalchemy.ext.asyncio.async_sessionmaker",
        "redis.Redis": "redis.Redis", "redis.from_url": "redis.Redis", "redis.Redis.from_url": "redis.Redis",
        "redis.asyncio.Redis": "redis.asyncio.Redis", "redis.asyncio.from_url": "redis.asyncio.Redis",
        "redis.asyncio.Redis.from_url": "redis.asyncio.Redis",
        "psycopg.connect": "psycopg.Connection", "psycopg.Connection.connect": "psycopg.Connection",
        "psycopg.AsyncConnection.connect": "psycopg.AsyncConnection", "psycopg2.connect": "psycopg2.connection",
        "asyncpg.connect": "asyncpg.Connection", "asyncpg.create_pool": "asyncpg.Pool",
        "flask_sqlalchemy.SQLAlchemy": "flask_sqlalchemy.SQLAlchemy", "celery.Celery": "celery.Celery",
        "boto3.client": "boto3.Client", "boto3.Session": "boto3.Session",
        "smtplib.SMTP": "smtplib.SMTP", "smtplib.SMTP_SSL": "smtplib.SMTP",
    ]

    /// Types whose instances are callable, and what calling them makes.
    static let callableInstances: [String: String] = [
        "sqlalchemy.orm.sessionmaker": "sqlalchemy.orm.Session",
        "sqlalchemy.ext.asyncio.async_sessionmaker": "sqlalchemy.ext.asyncio.AsyncSession",
    ]

    /// `Type#method` → the type its result has.
    static let methodReturns: [String: String] = [
        "sqlite3.Connection#cursor": "sqlite3.Cursor", "sqlite3.Connection#execute": "sqlite3.Cursor",
        "sqlalchemy.Engine#connect": "sqlalchemy.Connection", "sqlalchemy.Engine#begin": "sqlalchemy.Connection",
        "sqlalchemy.AsyncEngine#connect": "sqlalchemy.AsyncConnection",
        "sqlalchemy.AsyncEngine#begin": "sqlalchemy.AsyncConnection",
        "sqlalchemy.orm.sessionmaker#begin": "sqlalchemy.orm.Session",
        "psycopg.Connection#cursor": "psycopg.Cursor", "psycopg.AsyncConnection#cursor": "psycopg.AsyncCursor",
        "psycopg2.connection#cursor": "psycopg2.cursor",
        "asyncpg.Pool#acquire": "asyncpg.Connection",
        "redis.Redis#pipeline": "redis.Pipeline", "redis.asyncio.Redis#pipeline": "redis.asyncio.Pipeline",
        "boto3.Session#client": "boto3.Client",
    ]

    // MARK: - ORMs and task queues (read by `OrmCallResolver`)

    /// Types of SQLAlchemy sessions, however they were reached.
    static let sessionTypes: Set<String> = ["sqlalchemy.orm.Session", "sqlalchemy.ext.asyncio.AsyncSession"]

    /// Session methods that talk to the database (`add`, `delete` and `expunge` only stage work
    /// for the next flush).
    static let sessionMethods: Set<String> = ["execute", "scalars", "scalar", "get", "commit", "flush", "refresh", "merge"]

    /// `Query` methods that return another query without running it.
    static let queryBuilders: Set<String> = [
        "filter", "filter_by", "order_by", "join", "outerjoin", "options", "limit", "offset", "where", "group_by",
        "having", "distinct", "with_entities", "select_from", "execution_options", "populate_existing", "with_for_update",
    ]

    /// `Query` methods that run it (the `_or_404` and `paginate` ones are Flask-SQLAlchemy's).
    static let queryTerminals: Set<String> = [
        "all", "first", "one", "one_or_none", "scalar", "count", "get", "get_or_404", "first_or_404", "one_or_404",
        "paginate", "delete", "update",
    ]

    /// Methods of the Flask-SQLAlchemy extension object that run a query.
    static let flaskDatabaseMethods: Set<String> = ["get_or_404", "first_or_404", "one_or_404", "paginate"]

    /// Class attributes of a Django model that are its default manager.
    static let djangoManagers: Set<String> = ["objects", "_default_manager", "_base_manager"]

    /// Django library classes that are models (the base of every app model, and the models
    /// Django ships that apps use directly).
    static let djangoModelClasses: Set<String> = [
        "django.db.models.Model", "django.contrib.auth.models.User", "django.contrib.auth.models.Group",
        "django.contrib.auth.models.Permission", "django.contrib.auth.models.AbstractUser",
        "django.contrib.auth.models.AbstractBaseUser", "django.contrib.auth.base_user.AbstractBaseUser",
        "django.contrib.sessions.models.Session", "django.contrib.contenttypes.models.ContentType",
        "django.contrib.sites.models.Site",
    ]

    /// Manager and queryset methods that return a queryset without running it.
    static let djangoQueryBuilders: Set<String> = [
        "filter", "exclude", "all", "order_by", "select_related", "prefetch_related", "annotate", "values",
        "values_list", "distinct", "using", "only", "defer", "none", "reverse", "select_for_update", "alias",
    ]

    /// Manager and queryset methods that run a query (prefixed with `a` in Django's async API).
    static let djangoTerminals: Set<String> = {
        let sync: Set<String> = [
            "get", "create", "get_or_create", "update_or_create", "count", "exists", "first", "last", "aggregate",
            "bulk_create", "bulk_update", "update", "delete", "in_bulk", "latest", "earliest", "contains",
            "create_user", "create_superuser",
        ]
        return sync.union(sync.map { "a" + $0 })
    }()

    /// Manager and queryset methods that return one model instance.
    static let djangoRowFetches: Set<String> = ["get", "create", "first", "last", "latest", "earliest", "aget", "acreate"]

    /// Methods of a model instance that write to the database.
    static let djangoInstanceMethods: Set<String> = ["save", "delete", "refresh_from_db", "asave", "adelete", "arefresh_from_db"]

    /// Decorators (resolved) that make a function a Celery task.
    static let celeryTaskDecorators: Set<String> = ["celery.shared_task", "celery.task"]

    /// Methods of a Celery task that send a message to the broker.
    static let celerySendMethods: Set<String> = ["delay", "apply_async"]

    /// boto3 client methods that stay in the process.
    static let botoLocalMethods: Set<String> = ["get_paginator", "get_waiter", "can_paginate", "close", "meta", "exceptions"]

    /// Module-level functions that are dependency calls.
    static func function(_ name: String) -> Entry? {
        let parts = name.split(separator: ".")
        guard let last = parts.last.map(String.init) else { return nil }
        let module = parts.dropLast().joined(separator: ".")
        switch module {
        case "httpx" where httpVerbs.contains(last) || last == "request" || last == "stream":
            return Entry(kind: .http, library: "httpx")
        case "requests" where httpVerbs.contains(last) || last == "request":
            return Entry(kind: .http, library: "requests")
        case "aiohttp" where last == "request":
            return Entry(kind: .http, library: "aiohttp")
        case "urllib.request" where last == "urlopen":
            return Entry(kind: .http, library: "urllib.request")
        case "sqlite3" where last == "connect":
            return Entry(kind: .database, library: "sqlite3")
        case "psycopg" where last == "connect", "psycopg2" where last == "connect":
            return Entry(kind: .database, library: module)
        case "asyncpg" where last == "connect" || last == "create_pool":
            return Entry(kind: .database, library: "asyncpg")
        case "time" where last == "sleep":
            return Entry(kind: .sleep, library: "time")
        case "asyncio" where last == "sleep":
            return Entry(kind: .sleep, library: "asyncio")
        case "subprocess" where ["run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput"].contains(last):
            return Entry(kind: .subprocess, library: "subprocess")
        case "os" where last == "system" || last == "popen":
            return Entry(kind: .subprocess, library: "os")
        case "asyncio" where last == "create_subprocess_exec" || last == "create_subprocess_shell":
            return Entry(kind: .subprocess, library: "asyncio")
        case "django.shortcuts" where last == "get_object_or_404" || last == "get_list_or_404":
            return Entry(kind: .database, library: "django")
        case "smtplib" where last == "SMTP" || last == "SMTP_SSL":
            // Given a host, the constructor connects and greets the server.
            return Entry(kind: .mail, library: "smtplib")
        case "builtins" where last == "open", "io" where last == "open":
            return Entry(kind: .filesystem, library: module)
        default:
            return nil
        }
    }

    /// Methods of client objects that are dependency calls.
    static func method(_ name: String, of type: String) -> Entry? {
        switch type {
        case "httpx.Client", "httpx.AsyncClient":
            guard httpVerbs.contains(name) || ["request", "send", "stream"].contains(name) else { return nil }
            return Entry(kind: .http, library: "httpx")
        case "requests.Session":
            guard httpVerbs.contains(name) || name == "request" || name == "send" else { return nil }
            return Entry(kind: .http, library: "requests")
        case "aiohttp.ClientSession":
            guard httpVerbs.contains(name) || name == "request" || name == "ws_connect" else { return nil }
            return Entry(kind: .http, library: "aiohttp")
        case "sqlite3.Connection":
            guard ["execute", "executemany", "executescript", "commit", "rollback"].contains(name) else { return nil }
            return Entry(kind: .database, library: "sqlite3")
        case "sqlite3.Cursor":
            guard ["execute", "executemany", "executescript", "fetchone", "fetchall", "fetchmany"].contains(name) else { return nil }
            return Entry(kind: .database, library: "sqlite3")
        case "sqlalchemy.Engine", "sqlalchemy.AsyncEngine":
            guard name == "connect" || name == "begin" else { return nil }
            return Entry(kind: .database, library: "sqlalchemy")
        case "sqlalchemy.Connection", "sqlalchemy.AsyncConnection", "sqlalchemy.orm.Session", "sqlalchemy.ext.asyncio.AsyncSession":
            guard ["execute", "commit", "scalars", "scalar", "rollback", "flush", "get", "refresh", "exec", "merge"].contains(name) else { return nil }
            return Entry(kind: .database, library: "sqlalchemy")
        case "redis.Redis", "redis.asyncio.Redis", "redis.Pipeline", "redis.asyncio.Pipeline":
            let local: Set<String> = ["pipeline", "close", "aclose", "connection_pool", "from_url", "lock", "pubsub"]
            if type.hasSuffix("Pipeline") && name != "execute" { return nil }
            guard !local.contains(name), !name.hasPrefix("_") else { return nil }
            return Entry(kind: .cache, library: type.hasPrefix("redis.asyncio") ? "redis.asyncio" : "redis")
        case "psycopg.Connection", "psycopg.AsyncConnection", "psycopg2.connection":
            guard ["execute", "commit", "rollback"].contains(name) else { return nil }
            return Entry(kind: .database, library: type.hasPrefix("psycopg2") ? "psycopg2" : "psycopg")
        case "psycopg.Cursor", "psycopg.AsyncCursor", "psycopg2.cursor":
            guard ["execute", "executemany", "fetchone", "fetchall", "fetchmany", "copy"].contains(name) else { return nil }
            return Entry(kind: .database, library: type.hasPrefix("psycopg2") ? "psycopg2" : "psycopg")
        case "celery.Celery":
            guard name == "send_task" else { return nil }
            return Entry(kind: .queue, library: "celery")
        case "smtplib.SMTP":
            guard ["sendmail", "send_message", "login", "starttls", "connect", "ehlo", "helo"].contains(name) else { return nil }
            return Entry(kind: .mail, library: "smtplib")
        case "boto3.Client":
            guard !name.hasPrefix("_"), !botoLocalMethods.contains(name) else { return nil }
            return Entry(kind: .http, library: "botocore")
        case "asyncpg.Connection", "asyncpg.Pool":
            guard ["fetch", "fetchrow", "fetchval", "execute", "executemany", "copy_records_to_table"].contains(name) else { return nil }
            return Entry(kind: .database, library: "asyncpg")
        default:
            return nil
        }
    }
}
