// The TechEmpower benchmark app on Fastify: response schemas for JSON serialisation, the
// @fastify/view plugin with handlebars for the fortunes page, and node-postgres (pg). One
// process, as the harness pins every server to one core.
'use strict';

const path = require('node:path');
const fastify = require('fastify')({ logger: false });
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

const world = {
  type: 'object',
  properties: { id: { type: 'integer' }, randomNumber: { type: 'integer' } },
};
const worlds = { type: 'array', items: world };

fastify.register(require('@fastify/view'), {
  engine: { handlebars: require('handlebars') },
  root: path.join(__dirname, 'views'),
});

fastify.addHook('onSend', async (request, reply) => {
  reply.header('Server', 'fastify');
});

fastify.get('/plaintext', async (request, reply) => {
  reply.type('text/plain');
  return 'Hello, World!';
});

fastify.get('/json', {
  schema: { response: { 200: { type: 'object', properties: { message: { type: 'string' } } } } },
}, async () => ({ message: 'Hello, World!' }));

fastify.get('/db', { schema: { response: { 200: world } } }, async () => randomWorld());

fastify.get('/queries', { schema: { response: { 200: worlds } } },
  async (request) => randomWorlds(queryCount(request.query.queries)));

fastify.get('/fortunes', async (request, reply) => {
  const { rows } = await pool.query({ name: 'fortunes', text: 'SELECT id, message FROM fortune' });
  rows.push({ id: 0, message: 'Additional fortune added at request time.' });
  rows.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  return reply.view('fortunes.hbs', { fortunes: rows });
});

fastify.get('/updates', { schema: { response: { 200: worlds } } }, async (request) => {
  const result = await randomWorlds(queryCount(request.query.queries));
  for (const w of result) w.randomNumber = randomId();
  // One statement updates every row; ordering by id keeps concurrent updates from
  // deadlocking on each other's row locks.
  const sorted = [...result].sort((a, b) => a.id - b.id);
  await pool.query(updateWorlds, [sorted.map((w) => w.id), sorted.map((w) => w.randomNumber)]);
  return result;
});

fastify.listen({ port: Number(process.env.PORT || 8080), host: '0.0.0.0' }, (err) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
});
