from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
# add it LAST: the last middleware added runs first, so a preflight never meets authentication
app.add_middleware(
    CORSMiddleware,
    allow_origins=["https://app.example.com"],  # explicit; never "*" or a regex with credentials
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],  # Starlette's default is GET alone
    allow_headers=["Authorization", "Content-Type"],
)
