"""The county server's HTTP API (FastAPI). Every request body is validated by a
Pydantic model; every refusal is a 4xx with a reason (docs/sync-protocol.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import exc as sa_exc
from starlette.concurrency import run_in_threadpool

from fieldapp.errors import FieldappError
from fieldapp.merge import Op
from sync import bundle as bf
from sync.server.county import County, Refused
from sync.server.hardening import BodyTooLarge, Hardening
from sync.server.params import UUID_PATTERN, UuidPath

MAX_PUSH_BYTES = 32 * 1024 * 1024
MAX_BUNDLE_BYTES = 512 * 1024 * 1024
MAX_ROSTER_BYTES = 64 * 1024 * 1024
MAX_OPS = 50_000
MAX_SEQS = 200_000
Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Id = Annotated[str, Field(min_length=1, max_length=64)]


class OpModel(BaseModel):
    """One op, as it travels (fieldapp.merge.Op)."""

    model_config = ConfigDict(extra="forbid")
    op_id: Id
    device_id: Id
    device_seq: int = Field(ge=1, le=2**53)
    hlc: str = Field(pattern=r"^[0-9]{13}-[0-9]{6}$")
    entity: Literal["household", "member", "visit", "problem", "measure", "attachment", "monitor_step", "campaign"]
    entity_id: Id
    field: str = Field(min_length=1, max_length=64)
    value: Any = None
    supersedes: list[Id] = Field(default_factory=list, max_length=1000)
    county: str = Field(max_length=12)
    schema_version: int = Field(default=1, ge=1, le=10_000)
    author: str = Field(default="", max_length=200)

    def to_op(self) -> Op:
        return Op.from_json(self.model_dump())


class EnrollRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=4, max_length=32, pattern=r"^[A-Za-z0-9-]+$")
    device_id: str = Field(pattern=UUID_PATTERN, max_length=36, description="the laptop's id (canonical UUID text)")
    sign_public: Hex64
    box_public: Hex64
    recovery_wrap: dict[str, str] | None = None


class CountyInfo(BaseModel):
    county: str
    county_sign_public: str
    county_box_public: str
    recovery_public: str
    key_id: str


class EnrollResponse(CountyInfo):
    card_key: str
    villages: list[str]
    cadre: str
    device_id: str


class PushRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ops: list[OpModel] = Field(max_length=MAX_OPS)


class PushResponse(BaseModel):
    acked_seq: int
    stored: int
    duplicates: int
    quarantined: int = 0
    held: int = 0
    code: str = ""
    reason: str = ""
    reason_zh: str = ""


class PullResponse(BaseModel):
    ops: list[dict[str, Any]]
    cursor: int
    more: bool
    acked_seq: int
    held: int = 0


class SeqsResponse(BaseModel):
    acked_seq: int
    top_seq: int
    ops: list[tuple[int, str]]


class BundleResult(BaseModel):
    status: Literal["imported", "already_imported", "quarantined"]
    device_id: str
    ops: int
    stored: int
    acked_seq: int
    held: int = 0
    reason: str = ""
    reason_zh: str = ""


class DeviceKey(BaseModel):
    device_id: str
    sign_public: str
    status: str
    revoked_at: str | None = None


class Problem(BaseModel):
    code: str
    reason: str
    reason_zh: str


ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": Problem} for s in (400, 401, 403, 404, 409, 413, 422)
}


OUT_OF_SPACE = ("the county server cannot store data now (out of space); nothing was lost, try later",
                "县服务器现在无法保存数据（空间已满）；数据没有丢失，请稍后再试")


def out_of_space(exc: BaseException) -> bool:
    """A full disk or database: SQLite's SQLITE_FULL, PostgreSQL's class 53 (insufficient resources)."""
    orig = getattr(exc, "orig", exc)
    if str(getattr(orig, "sqlstate", "") or "").startswith("53"):
        return True
    text = str(orig).lower()
    return "disk is full" in text or "no space left" in text


def _problem(status: int, code: str, en: str, zh: str) -> JSONResponse:
    return JSONResponse({"code": code, "reason": en, "reason_zh": zh}, status_code=status)


def create_app(county: County, *, api_docs: bool = False) -> Any:
    """The ASGI app over one :class:`County`: the FastAPI app inside the :class:`Hardening`
    middleware (body limits while reading, security headers). ``/docs`` and ``/openapi.json``
    exist only with ``api_docs`` (``fieldapp serve --api-docs``)."""
    app = FastAPI(title="Fieldapp county server", version="1", description="Sync API of the county server.",
                  docs_url="/docs" if api_docs else None, redoc_url=None,
                  openapi_url="/openapi.json" if api_docs else None)
    app.state.county = county

    @app.exception_handler(sa_exc.OperationalError)
    async def _database_error(_req: Request, exc: sa_exc.OperationalError) -> JSONResponse:
        if not out_of_space(exc):
            raise exc
        return _problem(507, "server_full", OUT_OF_SPACE[0], OUT_OF_SPACE[1])

    @app.exception_handler(BodyTooLarge)
    async def _too_large(_req: Request, exc: BodyTooLarge) -> JSONResponse:
        mib = max(1, exc.limit // (1024 * 1024))
        return _problem(413, "too_large", f"the request is larger than {mib} MiB; send less at once",
                        f"请求超过 {mib} MiB；请分批发送")

    @app.exception_handler(Refused)
    async def _refused(_req: Request, exc: Refused) -> JSONResponse:
        return _problem(exc.status, exc.code, exc.en, exc.zh)

    @app.exception_handler(FieldappError)
    async def _refused_other(_req: Request, exc: FieldappError) -> JSONResponse:
        return _problem(422, exc.code, exc.en, exc.zh)

    async def authenticate(request: Request, device: str, ts: str, nonce: str, sig: str) -> Any:
        body = await request.body()
        # The signature covers the query too (a pull's cursor, a seqs range): nobody can change it.
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return await run_in_threadpool(county.authenticate, device, ts, nonce, sig, request.method, path, body)

    @app.get("/api/v1/info", response_model=CountyInfo)
    def info() -> dict[str, Any]:
        """The county's public keys (for enrollment and relays)."""
        return county.keys.public()

    @app.post("/api/v1/enroll", response_model=EnrollResponse, responses=ERRORS)
    def enroll(req: EnrollRequest) -> dict[str, Any]:
        """Enroll a laptop with a one-time code; returns county keys, card key and assignments."""
        return county.enroll(req.code, req.device_id, req.sign_public, req.box_public, req.recovery_wrap)

    @app.post("/api/v1/push", response_model=PushResponse, responses=ERRORS, openapi_extra={"requestBody": {
        "required": True, "content": {"application/json": {"schema": {"type": "object"}}}}})
    async def push(
        request: Request,
        x_fieldapp_device: Annotated[str, Header(max_length=64)],
        x_fieldapp_time: Annotated[str, Header(max_length=20)],
        x_fieldapp_nonce: Annotated[str, Header(max_length=64)],
        x_fieldapp_signature: Annotated[str, Header(max_length=200)],
    ) -> Any:
        """Store a batch of the device's own ops (a PushRequest); the answer acks the highest contiguous
        seq received. The body's size is limited while it is read, and its signature is checked before
        it is parsed."""
        await authenticate(request, x_fieldapp_device, x_fieldapp_time, x_fieldapp_nonce, x_fieldapp_signature)
        try:
            req = PushRequest.model_validate_json(await request.body())
        except ValidationError as exc:
            return _problem(422, "invalid", str(exc).splitlines()[0][:300], "请求格式错误")
        ops = [m.to_op() for m in req.ops]
        return await run_in_threadpool(county.push, x_fieldapp_device, ops)

    @app.get("/api/v1/pull", response_model=PullResponse, responses=ERRORS)
    async def pull(
        request: Request,
        x_fieldapp_device: Annotated[str, Header(max_length=64)],
        x_fieldapp_time: Annotated[str, Header(max_length=20)],
        x_fieldapp_nonce: Annotated[str, Header(max_length=64)],
        x_fieldapp_signature: Annotated[str, Header(max_length=200)],
        cursor: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
        mine_after: Annotated[int | None, Query(ge=0, le=2**53)] = None,
    ) -> Any:
        """Ops of the device's villages after ``cursor``: other devices' ops, and its own above
        ``mine_after`` (what a laptop restored from a backup lacks of its own)."""
        await authenticate(request, x_fieldapp_device, x_fieldapp_time, x_fieldapp_nonce, x_fieldapp_signature)
        return await run_in_threadpool(county.pull, x_fieldapp_device, cursor, limit, mine_after)

    @app.get("/api/v1/seqs", response_model=SeqsResponse, responses=ERRORS)
    async def seqs(
        request: Request,
        x_fieldapp_device: Annotated[str, Header(max_length=64)],
        x_fieldapp_time: Annotated[str, Header(max_length=20)],
        x_fieldapp_nonce: Annotated[str, Header(max_length=64)],
        x_fieldapp_signature: Annotated[str, Header(max_length=200)],
        after: Annotated[int, Query(ge=0, le=2**53)] = 0,
        upto: Annotated[int, Query(ge=0, le=2**53)] = 0,
    ) -> Any:
        """The device's sequence numbers in (after, upto] the county received, with their op ids."""
        if upto - after > MAX_SEQS:
            return _problem(422, "too_many", f"ask for at most {MAX_SEQS} sequence numbers at once",
                            f"一次最多查询 {MAX_SEQS} 个序号")
        await authenticate(request, x_fieldapp_device, x_fieldapp_time, x_fieldapp_nonce, x_fieldapp_signature)
        return await run_in_threadpool(county.seqs, x_fieldapp_device, after, upto)

    @app.post(
        "/api/v1/bundles",
        response_model=BundleResult,
        responses=ERRORS,
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
    )
    async def upload_bundle(request: Request) -> Any:
        """Import an uplink bundle (relay or admin upload); the bundle's own signatures authenticate it."""
        stream = bf.BundleStream(county=county.county, senders=county.sender, kind="uplink", limit=MAX_BUNDLE_BYTES)
        try:
            # Checked as it arrives: junk, foreign or oversized uploads are refused after the first chunk,
            # and nothing is held in memory before the sender's signature over the whole stream holds.
            async for chunk in request.stream():
                if stream.header is None:
                    await run_in_threadpool(stream.feed, chunk)
                else:
                    stream.feed(chunk)
            data = await run_in_threadpool(stream.finish)
            return await run_in_threadpool(county.import_bundle, data)
        except bf.BundleTooLarge as exc:
            return _problem(413, exc.code, exc.en, exc.zh)
        except bf.BundleRefused as exc:
            return _problem(422, exc.code, exc.en, exc.zh)
        finally:
            stream.close()

    @app.get("/api/v1/devices", response_model=list[DeviceKey])
    def devices() -> Any:
        """Enrolled devices' public signing keys and status (for relays checking bundles)."""
        return county.public_devices()

    @app.get(
        "/api/v1/devices/{device_id}/downlink",
        responses={**ERRORS, 200: {"content": {"application/octet-stream": {}}}},
        response_class=Response,
    )
    def downlink(device_id: UuidPath, bundle: Annotated[str, Query(pattern=r"^[0-9a-f]{64}$")]) -> Response:
        """The device's latest downlink bundle (sealed to the device; a relay cannot read it), for whoever
        shows ``bundle``: the SHA-256 of an uplink bundle of that device the county received."""
        return Response(county.downlink(device_id, proof=bundle), media_type="application/octet-stream")

    @app.exception_handler(ValidationError)
    async def _invalid(_req: Request, exc: ValidationError) -> JSONResponse:
        return _problem(422, "invalid", str(exc).splitlines()[0], "请求格式错误")

    from sync.server.dashboard.web import mount

    mount(app, county)
    return Hardening(app, {"/api/v1/push": MAX_PUSH_BYTES, "/api/v1/bundles": MAX_BUNDLE_BYTES,
                           "/dashboard/roster": MAX_ROSTER_BYTES, "/dashboard/divisions": MAX_ROSTER_BYTES})


def serve(data: str, db: str | None, host: str, port: int, county: str | None = None,
          tls_cert: str | None = None, tls_key: str | None = None, api_docs: bool = False) -> None:
    """Run the county server with uvicorn (blocks)."""
    import uvicorn

    from sync.cli import announce_recovery_key

    c = County(Path(data), db, county)
    announce_recovery_key(c)
    app = create_app(c, api_docs=api_docs)
    uvicorn.run(app, host=host, port=port, log_level="warning", ssl_certfile=tls_cert, ssl_keyfile=tls_key)
