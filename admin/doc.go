// Package admin is the admin site generated from the models: one call mounts it under
// /admin/, and each model registered with Register gets a list page (columns, sorting,
// search, filters, pagination, bulk actions, CSV export), add and edit forms built by
// package form from the registry's metadata, a delete page that lists what goes with the
// object, and a history of every change made through the site (who, when, which fields,
// old and new values). Staff users log in through the auth flows; every page and action
// checks the model permissions of package auth (view, add, change, delete) on the server,
// so a hidden button is never the only protection, and superusers may do everything.
//
// Pages are rendered with html/template (package view), so every value shown, in list
// cells, search boxes, filters and history, is escaped; forms carry the CSRF token; the
// core of create, edit and delete works without JavaScript, and the little script the
// site has (select all, confirmation) and its style sheet are embedded, never loaded from
// a CDN. A model's Options customise it in Go: list columns (fields, related fields,
// computed values), search fields, filters, ordering, read-only fields, fieldsets, custom
// bulk actions, a permission hook and a base query.
package admin
