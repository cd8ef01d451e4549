// The TechEmpower benchmark app on Express: res.send, res.json, res.render with pug, and
// node-postgres (pg) for PostgreSQL. One process, as the harness pins every server to one core.
'use strict';

const express = require('express');
const { Pool } = require('pg');

const pool = new Pool({
  connectionString: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/tfb',
  max: Number(process.env.DB_POOL || 16),
});

const selectWorld = 'SELECT id, randomnumber FROM world WHERE id = $1';
const updateWorlds = 'UPDATE world SET randomnumber = v.n FROM unnest($1::int[], $2::int[]) AS v(id, n) WHERE world.id = v.id';

const randomId = () => 1 + Math.floor(Math.random() * 10000);

// queryCount parses the queries parameter by the benchmark's rules: missing or malformed
// means 1, and the count is clamped to 1..500.
function queryCount(q) {
  const n = Number.parseInt(q, 10);
  if (Number.isNaN(n) || n < 1) return 1;
  return Math.min(n, 500);
}

async function randomWorld() {
  const { rows } = await pool.query({ name: 'world', text: selectWorld, values: [randomId()] });
  return { id: rows[0].id, randomNumber: rows[0].randomnumber };
}

async function randomWorlds(n) {
  const worlds = [];
  for (let i = 0; i < n; i++) worlds.push(await randomWorld());
  return worlds;
}

const app = express();
app.set('view engine', 'pug');
app.set('views', `${__dirname}/views`);
app.set('etag', false);
app.set('x-powered-by', false);

app.use((req, res, next) => {
  res.set('Server', 'express');
  next();
});

app.get('/plaintext', (req, res) => {
  res.type('text/plain').send('Hello, World!');
});

app.get('/json', (req, res) => {
  res.json({ message: 'Hello, World!' });
});

app.get('/db', async (req, res) => {
  res.json(await randomWorld());
});

app.get('/queries', async (req, res) => {
  res.json(await randomWorlds(queryCount(req.query.queries)));
});

app.get('/fortunes', async (req, res) => {
  const { rows } = await pool.query({ name: 'fortunes', text: 'SELECT id, message FROM fortune' });
  rows.push({ id: 0, message: 'Additional fortune added at request time.' });
  rows.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  res.render('fortunes', { fortunes: rows });
});

app.get('/updates', async (req, res) => {
  const worlds = await randomWorlds(queryCount(req.query.queries));
  for (const w of worlds) w.randomNumber = randomId();
  // One statement updates every row; ordering by id keeps concurrent updates from
  // deadlocking on each other's row locks.
  const sorted = [...worlds].sort((a, b) => a.id - b.id);
  await pool.query(updateWorlds, [sorted.map((w) => w.id), sorted.map((w) => w.randomNumber)]);
  res.json(worlds);
});

app.listen(Number(process.env.PORT || 8080));
