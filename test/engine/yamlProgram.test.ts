/**
 * The CLI harness (`test/support/cliProject.ts`) on the smallest YAML
 * programs: a `pulumi up` of a program directory with the cached CLI and its
 * YAML language host, file backend, passphrase, everything in a temp dir.
 * No provider and no emulator here: this checks the harness and the language
 * host themselves (the provider plugin's YAML program is test/engine/plugin.test.ts).
 */
import { assertNoSecrets } from "../support/engine";
import { createCliProject, describeYaml } from "../support/cliProject";

const program = (outputs: string) =>
  ["name: trivial-yaml", "runtime: yaml", "config:", "  token:", "    type: string", "    secret: true", "outputs:", outputs, ""].join(
    "\n",
  );

describeYaml("a YAML program through the pulumi CLI", () => {
  test("up, outputs, a preview with no changes, a secret kept out of state and output, destroy", async () => {
    const token = "yaml-harness-Secret-7f3a";
    const project = await createCliProject({
      files: { "Pulumi.yaml": program("  greeting: hello from yaml\n  token: ${token}") },
      config: { token: { value: token, secret: true } },
    });
    try {
      const up = await project.up();
      expect(up.code).toBe(0);
      expect(up.steps).toEqual([]); // the stack only: no resources of the program
      const outputs = JSON.parse((await project.pulumi(["stack", "output", "--json"])).stdout);
      expect(outputs).toEqual({ greeting: "hello from yaml", token: "[secret]" });
      expect((await project.previewNoChanges()).code).toBe(0);
      const state = await project.exportState();
      expect(state.deployment.resources.map((r: { type: string }) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
      assertNoSecrets(project.stateFileText() + JSON.stringify(state) + project.allOutput(), [token]);
      // The secret is there, encrypted: the CLI decrypts it when asked.
      const shown = JSON.parse((await project.pulumi(["stack", "output", "--json", "--show-secrets"])).stdout);
      expect(shown.token).toBe(token);

      const destroy = await project.destroy();
      expect(destroy.code).toBe(0);
      expect((await project.exportState()).deployment.resources ?? []).toEqual([]);
    } finally {
      project.dispose();
    }
  });

  test("a broken program fails with the language host's error, and the harness reports it", async () => {
    const project = await createCliProject({
      files: { "Pulumi.yaml": program("  greeting: ${undefinedVariable}") },
      config: { token: { value: "unused-Secret-9c1d", secret: true } },
    });
    try {
      const result = await project.run(["up", "--yes", "--skip-preview"]);
      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(/undefinedVariable/);
      await expect(project.up()).rejects.toThrow(/exited [1-9]/);
    } finally {
      project.dispose();
    }
  });
});
