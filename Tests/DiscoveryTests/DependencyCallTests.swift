import Artifacts
import Testing

@Suite struct DependencyCallTests {
    @Test func httpClientsOfEveryLibraryWithTheirClientScope() {
        let result = scan([
            "clients.py": """
            import aiohttp
            import httpx
            import requests
            import urllib.request
            from httpx import AsyncClient

            SHARED = httpx.Client(timeout=5)
            session = requests.Session()

            async def a():
                async with AsyncClient() as client:
                    return await client.get("http://x")

            def b():
                return SHARED.post("http://x", json={})

            def c():
                r = requests.get("http://x")
                return session.request("PUT", "http://x", timeout=3)

            async def d():
                async with aiohttp.ClientSession() as s:
                    async with s.get("http://x") as resp:
                        return await resp.text()

            def e():
                return urllib.request.urlopen("http://x")

            async def f():
                return await httpx.AsyncClient().delete("http://x")

            class Service:
                def __init__(self):
                    self.client = httpx.Client()

                def fetch(self):
                    return self.client.get("/items")
            """
        ])
        func check(_ callee: String, _ line: Int, _ method: String?, _ timeout: Bool?, _ scope: String?, library: String) {
            let call = result.dependency(callee, line: line)
            #expect(call?.kind == .http, "\(callee) at \(line)")
            #expect(call?.library == library)
            #expect(call?.httpMethod == method, "\(callee) at \(line)")
            #expect(call?.hasTimeout == timeout, "\(callee) at \(line)")
            #expect(call?.clientScope == scope, "\(callee) at \(line)")
        }
        check("client.get", 12, "GET", false, "function", library: "httpx")
        check("SHARED.post", 15, "POST", true, "module", library: "httpx")
        check("requests.get", 18, "GET", false, nil, library: "requests")
        check("session.request", 19, "PUT", true, "module", library: "requests")
        check("s.get", 23, "GET", false, "function", library: "aiohttp")
        check("urllib.request.urlopen", 27, "GET", false, nil, library: "urllib.request")
        check("httpx.AsyncClient().delete", 30, "DELETE", false, "call", library: "httpx")
        check("self.client.get", 37, "GET", false, "instance", library: "httpx")
        #expect(result.dependencies.count == 8)
        #expect(result.dependency("client.get")?.isAsync == true)
        #expect(result.dependency("client.get")?.column == 22)
    }

    @Test func databasesCachesSleepsSubprocessesAndFiles() {
        let result = scan([
            "work.py": """
            import asyncio, sqlite3, subprocess, time
            import asyncpg
            import psycopg
            import redis
            import redis.asyncio as aioredis
            from sqlalchemy import create_engine, text
            from sqlalchemy.ext.asyncio import AsyncSession
            from sqlalchemy.orm import Session, sessionmaker

            engine = create_engine("sqlite://")
            SessionLocal = sessionmaker(bind=engine)
            cache = redis.Redis()
            acache = aioredis.from_url("redis://")

            def db_work(session: Session):
                with engine.connect() as conn:
                    conn.execute(text("select 1"))
                s = SessionLocal()
                s.execute(text("select 1"))
                s.commit()
                session.scalars(text("x"))
                with sqlite3.connect("x.db") as db:
                    cur = db.cursor()
                    cur.execute("select 1")
                    cur.fetchall()

            async def async_work(session: AsyncSession):
                await session.execute(text("select 1"))
                conn = await asyncpg.connect("postgres://")
                await conn.fetch("select 1")
                await acache.get("k")
                await asyncio.sleep(1)
                proc = await asyncio.create_subprocess_exec("ls")

            def other():
                cache.set("k", "v")
                time.sleep(0.5)
                subprocess.run(["ls"])
                with open("f.txt") as f:
                    return f.read()
                with psycopg.connect("x") as pg:
                    pg.execute("select 1")
            """
        ])
        let found = result.dependencies.map { "\($0.line) \($0.kind.rawValue) \($0.library) \($0.callee)" }
        #expect(
            found == [
                "16 database sqlalchemy engine.connect", "17 database sqlalchemy conn.execute", "19 database sqlalchemy s.execute", "20 database sqlalchemy s.commit",
                "21 database sqlalchemy session.scalars", "22 database sqlite3 sqlite3.connect", "24 database sqlite3 cur.execute",
                "25 database sqlite3 cur.fetchall", "28 database sqlalchemy session.execute", "29 database asyncpg asyncpg.connect",
                "30 database asyncpg conn.fetch", "31 cache redis.asyncio acache.get", "32 sleep asyncio asyncio.sleep",
                "33 subprocess asyncio asyncio.create_subprocess_exec", "36 cache redis cache.set", "37 sleep time time.sleep",
                "38 subprocess subprocess subprocess.run", "39 filesystem builtins open", "41 database psycopg psycopg.connect",
                "42 database psycopg pg.execute",
            ])
    }

    @Test func callsThroughAliasesOfLibraryFunctions() {
        let result = scan([
            "m.py": """
            import time
            from time import sleep as nap

            class Handler:
                def __init__(self):
                    self._builtin_open = open

                def _open(self):
                    open_func = self._builtin_open
                    return open_func("f")

            def f():
                pause = time.sleep
                pause(1)
                nap(2)
            """
        ])
        #expect(result.dependencies.map { "\($0.line) \($0.kind.rawValue) \($0.callee)" } == ["10 filesystem open_func", "14 sleep pause", "15 sleep nap"])
    }

    @Test func shadowedNamesAreNotDependencies() {
        let result = scan([
            "m.py": """
            def open(path):
                return path

            class time:
                @staticmethod
                def sleep(x): ...

            def f():
                open("x")
                time.sleep(1)
                requests.get("x")
            """
        ])
        #expect(result.dependencies.isEmpty)
    }

    @Test func routesReachCallsThroughImportsSelfAttributesAndDepends() {
        let result = scan([
            "app/__init__.py": "",
            "app/main.py": """
            from fastapi import Depends, FastAPI
            from app.services import BookingService, get_db
            from app import util

            app = FastAPI()
            service = BookingService()

            @app.get("/bookings")
            async def bookings(db=Depends(get_db)):
                return await service.list()

            @app.get("/ping")
            def ping():
                return util.pong()

            @app.get("/quiet")
            def quiet():
                return 1
            """,
            "app/services.py": """
            import sqlite3
            import httpx

            def get_db():
                db = sqlite3.connect("x")
                try:
                    yield db
                finally:
                    db.close()

            class Client:
                async def fetch(self):
                    async with httpx.AsyncClient() as client:
                        return await client.get("http://x")

            class BookingService:
                def __init__(self):
                    self.client = Client()

                async def list(self):
                    return await self._load()

                async def _load(self):
                    return await self.client.fetch()
            """,
            "app/util.py": """
            import time

            def pong():
                return _helper()

            def _helper():
                time.sleep(0.1)

            def unused():
                time.sleep(1)
            """,
        ])
        #expect(result.dependency("sqlite3.connect")?.routes == ["GET /bookings"])
        #expect(result.dependency("client.get")?.routes == ["GET /bookings"])
        #expect(result.dependency("time.sleep", line: 7)?.routes == ["GET /ping"])
        #expect(result.dependency("time.sleep", line: 10)?.routes == [])
    }

    @Test func ambiguousBindingsAddNoEdge() {
        // Two different functions under one name: the scanner cannot know which runs, so it
        // must not claim either.
        let result = scan([
            "main.py": """
            import os, time
            from fastapi import FastAPI
            app = FastAPI()

            def slow():
                time.sleep(1)

            def fast():
                return 1

            class A:
                def go(self):
                    time.sleep(2)

            class B:
                def go(self):
                    return 0

            @app.get("/x")
            def x():
                handler = slow if os.environ.get("S") else fast
                handler()
                obj = A() if os.environ.get("A") else B()
                obj.go()
            """
        ])
        #expect(result.dependency("time.sleep", line: 6)?.routes == [])
        #expect(result.dependency("time.sleep", line: 13)?.routes == [])
    }
}
