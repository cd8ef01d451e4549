// Package i18n translates a Sinew application: message catalogues per locale, read once
// at start-up from an fs.FS; plural forms chosen by the CLDR rules of
// golang.org/x/text/feature/plural; numbers formatted with each locale's separators and
// dates with its layouts and month names; a middleware that picks each request's locale
// from the URL prefix (/fr/posts), the query (?lang=fr), a cookie, then Accept-Language
// (matched by golang.org/x/text/language); and the hooks that carry the locale into
// handlers ([T]), templates ([Bundle.TemplateFuncs] for view.Config.RequestFuncs) and
// validation messages ([Locale.FieldMessage], [Localize]). A key missing from a locale
// falls back to its parent locale (pt-BR → pt), then the default, and is recorded for
// [Bundle.Missing]; [Bundle.Check] lists what each translation lacks.
//
// A catalogue is a JSON object per locale, in "<tag>.json" or in files under "<tag>/",
// with nested groups joined by dots ("nav.home"), "{name}" placeholders ("{{" for a
// brace), plural messages as objects of CLDR categories (zero, one, two, few, many, other)
// and exact values ("=0"), chosen by the "count" argument, and "@" entries for dates:
//
//	{
//	  "@name": "Français",
//	  "@formats": {"short": "02/01/2006", "long": "2 January 2006"},
//	  "@months": ["janvier", "février", …, "décembre"],
//	  "nav": {"home": "Accueil"},
//	  "hello": "Bonjour, {name} !",
//	  "cart": {"=0": "Panier vide", "one": "{count} article", "other": "{count} articles"},
//	  "validate": {"required": "{field} est obligatoire."}
//	}
//
// Messages are text, not HTML: templates escape them like any other value.
package i18n
