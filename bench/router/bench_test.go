package router

import "testing"

// The benchmarks are grouped by benchmark, not by router, so that the routers
// compared in one row of the report run close together in time.

// GitHubAll

func BenchmarkGitHubAll_Sinew(b *testing.B)      { benchGitHubAll(b, Sinew()) }
func BenchmarkGitHubAll_HttpRouter(b *testing.B) { benchGitHubAll(b, HTTPRouter()) }
func BenchmarkGitHubAll_Gin(b *testing.B)        { benchGitHubAll(b, Gin()) }
func BenchmarkGitHubAll_Echo(b *testing.B)       { benchGitHubAll(b, Echo()) }
func BenchmarkGitHubAll_Chi(b *testing.B)        { benchGitHubAll(b, Chi()) }
func BenchmarkGitHubAll_ServeMux(b *testing.B)   { benchGitHubAll(b, ServeMux()) }

// GitHubStatic

func BenchmarkGitHubStatic_Sinew(b *testing.B)      { benchGitHubStatic(b, Sinew()) }
func BenchmarkGitHubStatic_HttpRouter(b *testing.B) { benchGitHubStatic(b, HTTPRouter()) }
func BenchmarkGitHubStatic_Gin(b *testing.B)        { benchGitHubStatic(b, Gin()) }
func BenchmarkGitHubStatic_Echo(b *testing.B)       { benchGitHubStatic(b, Echo()) }
func BenchmarkGitHubStatic_Chi(b *testing.B)        { benchGitHubStatic(b, Chi()) }
func BenchmarkGitHubStatic_ServeMux(b *testing.B)   { benchGitHubStatic(b, ServeMux()) }

// GitHubParam

func BenchmarkGitHubParam_Sinew(b *testing.B)      { benchGitHubParam(b, Sinew()) }
func BenchmarkGitHubParam_HttpRouter(b *testing.B) { benchGitHubParam(b, HTTPRouter()) }
func BenchmarkGitHubParam_Gin(b *testing.B)        { benchGitHubParam(b, Gin()) }
func BenchmarkGitHubParam_Echo(b *testing.B)       { benchGitHubParam(b, Echo()) }
func BenchmarkGitHubParam_Chi(b *testing.B)        { benchGitHubParam(b, Chi()) }
func BenchmarkGitHubParam_ServeMux(b *testing.B)   { benchGitHubParam(b, ServeMux()) }

// StaticAll

func BenchmarkStaticAll_Sinew(b *testing.B)      { benchStaticAll(b, Sinew()) }
func BenchmarkStaticAll_HttpRouter(b *testing.B) { benchStaticAll(b, HTTPRouter()) }
func BenchmarkStaticAll_Gin(b *testing.B)        { benchStaticAll(b, Gin()) }
func BenchmarkStaticAll_Echo(b *testing.B)       { benchStaticAll(b, Echo()) }
func BenchmarkStaticAll_Chi(b *testing.B)        { benchStaticAll(b, Chi()) }
func BenchmarkStaticAll_ServeMux(b *testing.B)   { benchStaticAll(b, ServeMux()) }

// ParseAll

func BenchmarkParseAll_Sinew(b *testing.B)      { benchParseAll(b, Sinew()) }
func BenchmarkParseAll_HttpRouter(b *testing.B) { benchParseAll(b, HTTPRouter()) }
func BenchmarkParseAll_Gin(b *testing.B)        { benchParseAll(b, Gin()) }
func BenchmarkParseAll_Echo(b *testing.B)       { benchParseAll(b, Echo()) }
func BenchmarkParseAll_Chi(b *testing.B)        { benchParseAll(b, Chi()) }
func BenchmarkParseAll_ServeMux(b *testing.B)   { benchParseAll(b, ServeMux()) }

// GPlusAll

func BenchmarkGPlusAll_Sinew(b *testing.B)      { benchGPlusAll(b, Sinew()) }
func BenchmarkGPlusAll_HttpRouter(b *testing.B) { benchGPlusAll(b, HTTPRouter()) }
func BenchmarkGPlusAll_Gin(b *testing.B)        { benchGPlusAll(b, Gin()) }
func BenchmarkGPlusAll_Echo(b *testing.B)       { benchGPlusAll(b, Echo()) }
func BenchmarkGPlusAll_Chi(b *testing.B)        { benchGPlusAll(b, Chi()) }
func BenchmarkGPlusAll_ServeMux(b *testing.B)   { benchGPlusAll(b, ServeMux()) }

// Param1

func BenchmarkParam1_Sinew(b *testing.B)      { benchParam(b, Sinew(), 1) }
func BenchmarkParam1_HttpRouter(b *testing.B) { benchParam(b, HTTPRouter(), 1) }
func BenchmarkParam1_Gin(b *testing.B)        { benchParam(b, Gin(), 1) }
func BenchmarkParam1_Echo(b *testing.B)       { benchParam(b, Echo(), 1) }
func BenchmarkParam1_Chi(b *testing.B)        { benchParam(b, Chi(), 1) }
func BenchmarkParam1_ServeMux(b *testing.B)   { benchParam(b, ServeMux(), 1) }

// Param5

func BenchmarkParam5_Sinew(b *testing.B)      { benchParam(b, Sinew(), 5) }
func BenchmarkParam5_HttpRouter(b *testing.B) { benchParam(b, HTTPRouter(), 5) }
func BenchmarkParam5_Gin(b *testing.B)        { benchParam(b, Gin(), 5) }
func BenchmarkParam5_Echo(b *testing.B)       { benchParam(b, Echo(), 5) }
func BenchmarkParam5_Chi(b *testing.B)        { benchParam(b, Chi(), 5) }
func BenchmarkParam5_ServeMux(b *testing.B)   { benchParam(b, ServeMux(), 5) }

// Param20

func BenchmarkParam20_Sinew(b *testing.B)      { benchParam(b, Sinew(), 20) }
func BenchmarkParam20_HttpRouter(b *testing.B) { benchParam(b, HTTPRouter(), 20) }
func BenchmarkParam20_Gin(b *testing.B)        { benchParam(b, Gin(), 20) }
func BenchmarkParam20_Echo(b *testing.B)       { benchParam(b, Echo(), 20) }
func BenchmarkParam20_Chi(b *testing.B)        { benchParam(b, Chi(), 20) }
func BenchmarkParam20_ServeMux(b *testing.B)   { benchParam(b, ServeMux(), 20) }

// ParamWrite

func BenchmarkParamWrite_Sinew(b *testing.B)      { benchParamWrite(b, Sinew()) }
func BenchmarkParamWrite_HttpRouter(b *testing.B) { benchParamWrite(b, HTTPRouter()) }
func BenchmarkParamWrite_Gin(b *testing.B)        { benchParamWrite(b, Gin()) }
func BenchmarkParamWrite_Echo(b *testing.B)       { benchParamWrite(b, Echo()) }
func BenchmarkParamWrite_Chi(b *testing.B)        { benchParamWrite(b, Chi()) }
func BenchmarkParamWrite_ServeMux(b *testing.B)   { benchParamWrite(b, ServeMux()) }
