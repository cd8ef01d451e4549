package api

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sinewdev/sinew"
)

// addCommand gives an App's binary the openapi command:
//
//	./app openapi          the document as JSON
//	./app openapi yaml     the document as YAML
//	./app openapi ts       a TypeScript client (see TypeScript)
func (a *API) addCommand(app *sinew.App) {
	app.AddCommand(&sinew.Command{
		Name:    "openapi",
		Summary: "print the OpenAPI document (json or yaml) or a TypeScript client (ts)",
		Usage:   "[json|yaml|ts]",
		NoStart: true,
		Run: func(ctx context.Context, args []string) error {
			format := "json"
			if len(args) > 1 {
				return &sinew.UsageError{Msg: fmt.Sprintf("openapi takes one argument, json, yaml or ts; got %d", len(args))}
			}
			if len(args) == 1 {
				format = args[0]
			}
			var out []byte
			switch format {
			case "json":
				b, err := json.MarshalIndent(a.Document(), "", "  ")
				if err != nil {
					return err
				}
				out = append(b, '\n')
			case "yaml":
				b, err := a.specYAML()
				if err != nil {
					return err
				}
				out = b
			case "ts", "typescript":
				out = TypeScript(a.Document())
			default:
				return &sinew.UsageError{Msg: fmt.Sprintf("unknown format %q: use json, yaml or ts", format)}
			}
			_, err := app.Config().Stdout.Write(out)
			return err
		},
	})
}
