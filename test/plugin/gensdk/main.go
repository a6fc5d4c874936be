// gensdk: binds a Pulumi package schema (validating it against the metaschema, as `pulumi package
// gen-sdk` does) and generates an SDK with the codegen library of pulumi/pkg v3.248.0, which the
// language plugins call for `gen-sdk`. The CLI here has no language plugin, so test/plugin/gensdk.test.ts
// builds this instead. Usage: gensdk <schema.json> <python|go|nodejs> <outdir>
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"

	"github.com/blang/semver"
)

// noReferences refuses every other package: the schema must stand alone, and nothing is downloaded.
type noReferences struct{}

func (noReferences) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; it must not refer to other packages", pkg)
}

func (noReferences) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; it must not refer to other packages", d.Name)
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: gensdk <schema.json> <python|go|nodejs> <outdir>")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	check(err)
	var spec schema.PackageSpec
	check(json.Unmarshal(data, &spec))
	pkg, diags, err := schema.BindSpec(spec, noReferences{}, schema.ValidationOptions{})
	check(err)
	for _, d := range diags {
		fmt.Fprintf(os.Stderr, "%s: %s\n", d.Summary, d.Detail)
	}
	if diags.HasErrors() {
		os.Exit(1)
	}
	var files map[string][]byte
	switch os.Args[2] {
	case "python":
		files, err = python.GeneratePackage("gensdk", pkg, nil, nil)
	case "go":
		files, err = gogen.GeneratePackage("gensdk", pkg, nil)
	case "nodejs":
		files, err = nodejs.GeneratePackage("gensdk", pkg, nil, nil, false, nil)
	default:
		err = fmt.Errorf("unknown language %q", os.Args[2])
	}
	check(err)
	for name, content := range files {
		path := filepath.Join(os.Args[3], name)
		check(os.MkdirAll(filepath.Dir(path), 0o755))
		check(os.WriteFile(path, content, 0o644))
	}
	fmt.Printf("%d files\n", len(files))
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
