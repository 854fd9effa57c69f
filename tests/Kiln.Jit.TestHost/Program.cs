using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Kiln.Jit;
using Kiln.Toolchain;

// Usage: Kiln.Jit.TestHost --cache DIR --signature SIG --value N [--compiler PATH] [--cxx] [--generate-delay-ms N]
//        [--broken] [--lock-timeout-ms N] [--ready-file PATH] [--with-dependency DEPSIG]
// Prints {"ok":true,"built":…,"value":…,"key":"…","path":"…","elapsedUs":…} or {"ok":false,"error":"Type","message":"…"}.
// --with-dependency first jits DEPSIG (exporting kiln_dep_value() = 1000) and makes SIG link against it: value is then
// N + 1000, and the output adds "depPath" and "depBuilt". Shared caches come from KILN_JIT_SHARED_CACHES.
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
        continue;
    options[args[i][2..]] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}
string Get(string name, string fallback) => options.TryGetValue(name, out var v) ? v : fallback;

var value = int.Parse(Get("value", "7"), CultureInfo.InvariantCulture);
var delay = int.Parse(Get("generate-delay-ms", "0"), CultureInfo.InvariantCulture);
var broken = options.ContainsKey("broken");
var readyFile = options.GetValueOrDefault("ready-file");
var dependency = options.GetValueOrDefault("with-dependency");
var request = new JitRequest
{
    Signature = Get("signature", "testhost"),
    CacheDirectory = Get("cache", ""),
    LockTimeout = TimeSpan.FromMilliseconds(int.Parse(Get("lock-timeout-ms", "120000"), CultureInfo.InvariantCulture)),
    Build = new JitBuildOptions
    {
        Language = options.ContainsKey("cxx") ? SourceLanguage.Cxx : SourceLanguage.C,
        Compiler = options.GetValueOrDefault("compiler"),
    },
    Generate = sig =>
    {
        if (readyFile is not null)
            File.WriteAllText(readyFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (delay > 0)
            Thread.Sleep(delay);
        var source = broken ? "this is not C\n"
            : $"#include \"{JitSignature.HeaderFileName(sig)}\"\nint kiln_value(void) {{ return KILN_VALUE; }}\n";
        if (dependency is not null)
            return new GeneratedCode($"#define KILN_VALUE {value}\nint kiln_value(void);\n",
                $"#include \"{JitSignature.HeaderFileName(sig)}\"\n#include \"{JitSignature.HeaderFileName(dependency)}\"\nint kiln_value(void) {{ return KILN_VALUE + kiln_dep_value(); }}\n",
                [dependency]);
        return new GeneratedCode($"#define KILN_VALUE {value}\nint kiln_value(void);\n", source);
    },
};
if (options.ContainsKey("cxx") && !broken)
{
    // C++ needs C linkage for the export.
    var inner = request.Generate!;
    request = new JitRequest
    {
        Signature = request.Signature, CacheDirectory = request.CacheDirectory, LockTimeout = request.LockTimeout, Build = request.Build,
        Generate = sig => inner(sig) with { Source = $"#include \"{JitSignature.HeaderFileName(sig)}\"\nextern \"C\" int kiln_value(void) {{ return KILN_VALUE; }}\n", Header = $"#define KILN_VALUE {value}\n" },
    };
}
var watch = Stopwatch.StartNew();
try
{
    JitLibrary? dep = null;
    if (dependency is not null)
    {
        dep = JitCompiler.Default.Jit(new JitRequest
        {
            Signature = dependency, CacheDirectory = request.CacheDirectory, LockTimeout = request.LockTimeout,
            Generate = _ => new GeneratedCode("int kiln_dep_value(void);\n", "int kiln_dep_value(void) { return 1000; }\n"),
        });
    }
    var library = JitCompiler.Default.Jit(request);
    var elapsed = watch.Elapsed.TotalMicroseconds;
    int result;
    unsafe
    {
        result = ((delegate* unmanaged<int>)library.GetExport("kiln_value"))();
    }
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["ok"] = true, ["built"] = library.WasBuilt, ["value"] = result, ["key"] = library.Key, ["path"] = library.Path, ["elapsedUs"] = elapsed,
        ["depPath"] = dep?.Path ?? "", ["depBuilt"] = dep?.WasBuilt ?? false,
    }));
    return 0;
}
catch (JitException e)
{
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object> { ["ok"] = false, ["error"] = e.GetType().Name, ["message"] = e.Message }));
    return 1;
}
