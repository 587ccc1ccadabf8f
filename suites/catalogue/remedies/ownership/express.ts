import express from 'express'
import type { Pool } from 'pg'

export const todoRoutes = (db: Pool) =>
  express.Router().get('/api/todos/:id', async (req, res) => {
    const owner: string = res.locals.claims.sub // from the verified token, never from the request
    const { rows } = /^[0-9a-f-]{36}$/i.test(req.params.id) // an odd id is a 404, not a database 500
      ? await db.query('SELECT * FROM todos WHERE id = $1 AND owner_id = $2', [req.params.id, owner])
      : { rows: [] }
    if (rows[0]) res.json(rows[0])
    else res.status(404).json({ error: 'not_found' }) // missing and not yours look the same
  })
