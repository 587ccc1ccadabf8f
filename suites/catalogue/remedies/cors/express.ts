import cors from 'cors'
import express from 'express'

const app = express()
// before any authentication middleware, so OPTIONS preflights are answered without a token
app.use(cors({
  origin: ['https://app.example.com'], // explicit list; never origin: true (reflection) with credentials
  credentials: true,
  allowedHeaders: ['Authorization', 'Content-Type'],
}))
