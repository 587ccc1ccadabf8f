import uuid
from fastapi import APIRouter, Depends, HTTPException

router = APIRouter()

@router.get("/api/todos/{todo_id}")
def read_todo(todo_id: uuid.UUID, claims: dict = Depends(current_claims)):  # odd ids: 422, not 500
    row = db.fetch_one("SELECT * FROM todos WHERE id = %s AND owner_id = %s", (str(todo_id), claims["sub"]))
    if row is None:  # missing and someone else's look the same
        raise HTTPException(404, "not_found")
    return row
