// Package api turns typed Go functions into JSON API endpoints: a handler is
// func(ctx context.Context, in *In) (*Out, error), and the input struct's tags say where each
// value comes from (`path:"id"`, `query:"limit" default:"20"`, `header:"X-Request-Id"`,
// `cookie:"theme"`, a Body field for the JSON body) and what it must satisfy
// (`validate:"required,max=200"`, checked by package validate). Binding and validation are
// planned once, when the operation is registered; a request that does not fit gets an RFC
// 9457 problem+json answer naming every bad field and where it came from ("body.title",
// "query.limit"): 400 for what cannot be parsed, 422 for what breaks a rule, and whatever
// web.StatusOf says for the handler's own errors (404 for orm.ErrNotFound, 409 for a unique
// violation).
//
// The same types produce an OpenAPI 3.1 document, served at /openapi.json and /openapi.yaml,
// with schemas carrying the validation constraints, parameters, request bodies, the success
// and problem responses and the session and bearer security schemes; /docs serves Swagger UI
// from an embedded copy (no CDN). Resource mounts list, retrieve, create, update and delete
// operations for an ORM model with pagination, filtering and ordering on declared fields, and
// documents them the same way. Security is declared per operation (Op.Security) and checked
// by a Config.Authorize function, which the auth package provides, so this package never
// depends on how users log in.
package api
