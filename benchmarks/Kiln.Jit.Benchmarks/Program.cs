using System.Diagnostics;
using System.Globalization;
using Kiln.Jit;
using Kiln.Toolchain;

// Subcommands (each prints one JSON line; times from Stopwatch):
//   miss      --cache DIR --reps N        N cold builds (unique signatures), paired with a bare `g++ -shared -fPIC` of the
//                                         same source; overhead = Kiln miss - bare compile (median of per-pair differences);
//                                         own overhead = Kiln miss - the compiler subprocess Kiln ran (robust under load)
//   prebuild  --cache DIR --signature S   build S
//   hit-once  --cache DIR --signature S [--warm W]   first Jit() in this process (W: hit another prebuilt key first,
//                                         so that Kiln's own code is already JIT-compiled and the BCL types loaded)
//   hit-fresh --cache DIR --signature S --reps N [--warm W]   run hit-once in N fresh processes
//   hit-mem   --cache DIR --signature S --calls N   repeated Jit() of a loaded library
//   dump      --signature S --dir D       write the generated source (for hyperfine of the bare compiler)
var a = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 1; i < args.Length; i++)
    if (args[i].StartsWith("--", StringComparison.Ordinal))
        a[args[i][2..]] = i + 1 < args.Length ? args[++i] : "";
string Arg(string n, string d = "") => a.TryGetValue(n, out var v) ? v : d;
int Int(string n, int d) => a.TryGetValue(n, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : d;

// --lang c switches to a C library of the same shape (no libstdc++ to load on a hit).
var isC = Arg("lang") == "c";
var options = new JitBuildOptions { Language = isC ? SourceLanguage.C : SourceLanguage.Cxx, Flags = [], SourceRetention = SourceRetention.Gzip };
JitRequest Request(string signature, int jitable) => new()
{
    Signature = signature,
    CacheDirectory = Arg("cache"),
    Build = options,
    Generate = sig => new GeneratedCode("// header for " + sig + "\n", isC ? CSource(jitable, sig) : Source(jitable, sig)),
};

switch (args.Length > 0 ? args[0] : "")
{
    case "miss": Miss(); break;
    case "prebuild": JitCompiler.Default.Jit(Request(Arg("signature"), 11)); Print(new() { ["kind"] = "prebuild" }); break;
    case "hit-once": HitOnce(); break;
    case "hit-fresh": HitFresh(); break;
    case "hit-mem": HitMem(); break;
    case "dump": Dump(); break;
    case "verify-cost": VerifyCost(); break;
    default: Console.Error.WriteLine("usage: Kiln.Jit.Benchmarks miss|prebuild|hit-once|hit-fresh|hit-mem|dump [--options]"); return 2;
}
return 0;

void Miss()
{
    var reps = Int("reps", 15);
    var tag = "miss_" + Environment.ProcessId + "_" + Stopwatch.GetTimestamp();
    var compiler = CompilerDiscovery.Resolve(SourceLanguage.Cxx);
    var bareDir = Directory.CreateTempSubdirectory("kiln-bare-").FullName;
    var totals = new List<double>();
    var bares = new List<double>();
    var own = new List<double>();
    for (var r = 0; r <= reps; r++) // r = 0 warms up (probes the compiler, creates the cache dirs)
    {
        var sig = tag + "_" + r;
        // bare compile of the same source, same process, alternating with the Kiln miss
        var src = Path.Combine(bareDir, sig + ".cpp");
        File.WriteAllText(src, Source(r + 1, sig));
        var sw = Stopwatch.StartNew();
        var bare = ToolProcess.Run(compiler, ["-shared", "-fPIC", src, "-o", Path.Combine(bareDir, "lib" + sig + ".so")]);
        var bareMs = sw.Elapsed.TotalMilliseconds;
        if (bare.ExitCode != 0) throw new InvalidOperationException(bare.CombinedOutput);
        sw.Restart();
        var lib = JitCompiler.Default.Jit(Request(sig, r + 1));
        var kilnMs = sw.Elapsed.TotalMilliseconds;
        if (!lib.WasBuilt) throw new InvalidOperationException("expected a miss");
        var compileMs = Kiln.Jit.Cache.JitCache.Open(Arg("cache")).Entries().Single(e => e.Key == lib.Key).CompileSeconds * 1000;
        if (r > 0) { totals.Add(kilnMs); bares.Add(bareMs); own.Add(kilnMs - compileMs); }
    }
    var overhead = totals.Zip(bares, (t, b) => t - b).ToList();
    Directory.Delete(bareDir, true);
    Print(new()
    {
        ["kind"] = "miss", ["reps"] = reps,
        ["kiln_miss_ms_median"] = Median(totals), ["bare_compile_ms_median"] = Median(bares),
        ["overhead_ms_median"] = Median(overhead),
        ["own_overhead_ms_median"] = Median(own), ["own_overhead_ms_min"] = own.Min(),
        ["overhead_ms"] = overhead.Select(x => Math.Round(x, 2)).ToArray(),
    });
}

void HitOnce()
{
    var warm = Arg("warm");
    if (warm.Length > 0)
        JitCompiler.Default.Jit(Request(warm, 11));
    var methods0 = System.Runtime.JitInfo.GetCompiledMethodCount();
    var jitTime0 = System.Runtime.JitInfo.GetCompilationTime();
    var sw = Stopwatch.StartNew();
    var lib = JitCompiler.Default.Jit(new JitRequest { Signature = Arg("signature"), CacheDirectory = Arg("cache"), Build = options });
    var us = sw.Elapsed.TotalMicroseconds;
    var methods = System.Runtime.JitInfo.GetCompiledMethodCount() - methods0;
    var jitUs = (System.Runtime.JitInfo.GetCompilationTime() - jitTime0).TotalMicroseconds;
    if (lib.WasBuilt) throw new InvalidOperationException("expected a hit");
    unsafe
    {
        var create = (delegate* unmanaged<nint>)lib.GetExport("create_" + Arg("signature"));
        if (create() == 0) throw new InvalidOperationException("factory returned null");
    }
    Print(new() { ["kind"] = "hit-once", ["jit_us"] = us, ["methods_jitted"] = (long)methods, ["jit_compile_us"] = jitUs });
}

void HitFresh()
{
    var xs = new List<double>();
    var self = Environment.ProcessPath!;
    var selfArgs = new List<string>();
    if (self.EndsWith("dotnet", StringComparison.Ordinal)) selfArgs.Add(Path.Combine(AppContext.BaseDirectory, "Kiln.Jit.Benchmarks.dll"));
    selfArgs.AddRange(["hit-once", "--cache", Arg("cache"), "--signature", Arg("signature")]);
    if (Arg("warm").Length > 0) selfArgs.AddRange(["--warm", Arg("warm")]);
    if (isC) selfArgs.AddRange(["--lang", "c"]);
    for (var i = 0; i < Int("reps", 40); i++)
    {
        var r = ToolProcess.Run(self, selfArgs);
        if (r.ExitCode != 0) throw new InvalidOperationException(r.CombinedOutput);
        var line = r.StandardOutput.Trim().Split('\n')[^1];
        var at = line.IndexOf("\"jit_us\": ", StringComparison.Ordinal) + 10;
        var end = line.IndexOfAny([',', '}'], at);
        xs.Add(double.Parse(line[at..end], CultureInfo.InvariantCulture));
    }
    Print(new() { ["kind"] = "hit-fresh", ["lang"] = isC ? "c" : "c++", ["warm"] = Arg("warm").Length > 0, ["reps"] = xs.Count, ["jit_us_median"] = Median(xs), ["jit_us_min"] = xs.Min(), ["jit_us_max"] = xs.Max() });
}

void HitMem()
{
    var request = Request(Arg("signature"), 11);
    var lib = JitCompiler.Default.Jit(request);
    var calls = Int("calls", 200_000);
    for (var i = 0; i < calls; i++) JitCompiler.Default.Jit(request); // warm-up: tier-1 JIT of the memo path
    const int Batch = 1000;
    var perCall = new List<double>();
    for (var b = 0; b < calls / Batch; b++)
    {
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < Batch; i++)
            if (!ReferenceEquals(JitCompiler.Default.Jit(request), lib)) throw new InvalidOperationException("memo returned another library");
        perCall.Add(Stopwatch.GetElapsedTime(t0).TotalNanoseconds / Batch);
    }
    perCall.Sort();
    // A new but equal request object (same options instance): the realistic call site that rebuilds its request.
    var fresh = new List<double>();
    for (var b = 0; b < calls / Batch; b++)
    {
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < Batch; i++)
            JitCompiler.Default.Jit(new JitRequest { Signature = request.Signature, CacheDirectory = request.CacheDirectory, Build = options });
        fresh.Add(Stopwatch.GetElapsedTime(t0).TotalNanoseconds / Batch);
    }
    Print(new()
    {
        ["kind"] = "hit-mem", ["calls"] = calls, ["jit_ns_median"] = Median(perCall), ["jit_ns_p10"] = perCall[perCall.Count / 10],
        ["jit_ns_p90"] = perCall[9 * perCall.Count / 10], ["new_request_ns_median"] = Median(fresh),
    });
}

// Cost of the hit-path checks for one entry: managed SHA-256 per KiB, and a whole-entry check (pointer, manifest,
// library hash) on an already built key, repeated in one process.
void VerifyCost()
{
    var data = new byte[1 << 20];
    new Random(1).NextBytes(data);
    Kiln.Jit.Signatures.KeyInputs.Hash("warm");
    var t0 = Stopwatch.GetTimestamp();
    const int Rounds = 20;
    for (var i = 0; i < Rounds; i++) Kiln.Jit.Signatures.Sha256.Hash(data);
    var usPerKib = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / Rounds / 1024;
    var layout = new Kiln.Jit.Cache.CacheLayout(Arg("cache"));
    var entry = Kiln.Jit.Cache.JitCache.Open(Arg("cache")).Entries()[0];
    var checks = new List<double>();
    for (var i = 0; i < 200; i++)
    {
        var t = Stopwatch.GetTimestamp();
        var c = Kiln.Jit.Cache.EntryStore.Check(layout, entry.Key, null, null, fullVerification: true);
        checks.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
        if (c.State != Kiln.Jit.Cache.EntryState.Valid) throw new InvalidOperationException(c.Reason);
    }
    var sizeOnly = new List<double>();
    for (var i = 0; i < 200; i++)
    {
        var t = Stopwatch.GetTimestamp();
        Kiln.Jit.Cache.EntryStore.Check(layout, entry.Key, null, null, fullVerification: false);
        sizeOnly.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
    }
    Print(new()
    {
        ["kind"] = "verify-cost", ["sha256_us_per_kib"] = usPerKib, ["library_bytes"] = new FileInfo(entry.LibraryPath).Length,
        ["entry_check_full_us_median"] = Median(checks), ["entry_check_size_only_us_median"] = Median(sizeOnly),
    });
}

void Dump()
{
    var dir = Arg("dir");
    Directory.CreateDirectory(dir);
    var src = Path.Combine(dir, Arg("signature") + ".cpp");
    File.WriteAllText(src, Source(11, Arg("signature")));
    Print(new() { ["kind"] = "dump", ["src"] = src });
}

static double Median(List<double> xs)
{
    var s = xs.Order().ToList();
    return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
}

// Hand-written JSON (no reflection) so the host also publishes as NativeAOT.
static void Print(Dictionary<string, object> o) => Console.WriteLine("{" + string.Join(", ", o.Select(kv => "\"" + kv.Key + "\": " + Json(kv.Value))) + "}");

static string Json(object v) => v switch
{
    bool b => b ? "true" : "false",
    string s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
    double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "null",
    int i => i.ToString(CultureInfo.InvariantCulture),
    long l => l.ToString(CultureInfo.InvariantCulture),
    double[] xs => "[" + string.Join(", ", xs.Select(x => Json(x))) + "]",
    _ => "\"" + v + "\"",
};

static string CSource(int jitable, string signature) => $$"""
    // generated for signature {{signature}}, jitable {{jitable}} (C variant)
    #include <stdlib.h>
    struct bench_impl { int value; };
    __attribute__ ((visibility ("default"))) void * create_{{signature}}(void)
    {
        struct bench_impl * p = malloc(sizeof *p);
        p->value = {{jitable}};
        return p;
    }
    __attribute__ ((visibility ("default"))) int value_of_{{signature}}(void * p)
    {
        return ((struct bench_impl *) p)->value;
    }

    """;

// The same trivial "form" as the dijitso peer benchmark (shared/peer-bench/jit/djbench_common.py).
static string Source(int jitable, string signature) => $$"""
    // generated for signature {{signature}}, jitable {{jitable}}
    #define DLL_EXPORT extern "C" __attribute__ ((visibility ("default")))

    class bench_interface
    {
    public:
        virtual ~bench_interface() {}
        virtual int value() const = 0;
    };

    class bench_impl_{{jitable}}: public bench_interface
    {
    public:
        int value() const { return {{jitable}}; }
    };

    DLL_EXPORT void * create_{{signature}}()
    {
        return new bench_impl_{{jitable}}();
    }

    DLL_EXPORT int value_of_{{signature}}(void * p)
    {
        return static_cast<bench_interface *>(p)->value();
    }

    """;
