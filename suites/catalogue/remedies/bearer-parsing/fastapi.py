from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

bearer = HTTPBearer(auto_error=False)  # auto_error=True answers 403 with no challenge

def bearer_token(request: Request, cred: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str:
    if "access_token" in request.query_params:  # tokens in URLs leak: never read them
        raise HTTPException(400, "invalid_request", {"WWW-Authenticate": 'Bearer error="invalid_request"'})
    if cred is None or not cred.credentials.strip():  # missing, another scheme, or "Bearer "
        raise HTTPException(401, "invalid_token", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return cred.credentials.strip()
