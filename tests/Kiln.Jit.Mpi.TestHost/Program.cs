// Kiln.Jit.Mpi.TestHost: run under mpirun by Kiln.Jit.Mpi.Tests and benchmarks/jit-mpi/run.sh.
//   jit --base DIR [--group-size N] [--mode Node|Root|Process|Auto] [--compiler PATH] [--signature S] [--broken]
//       [--hang-builder] [--kill-builder] [--timeout-ms T] [--calls K] [--verify] [--differ-rank R]
//       N = 0: one cache directory DIR/cache for all ranks; N > 0: DIR/cache-<rank/N> (simulated nodes).
//       --hang-builder: the builder's generator waits until the other ranks reported (DIR/reported.*), then the job aborts.
//       --kill-builder: the builder kills itself (SIGKILL) in its generator.
//       --verify: DistributedJitOptions.VerifySameRequest. --differ-rank R: rank R's generator bakes 43 instead of 42.
//       Each rank writes --out DIR/<launcher rank>.json: role, mode, built, value, elapsedMs, error, errorType, …
//   bench --base DIR [--group-size N] [--mode M] [--compiler PATH] [--reps R]
//       R cold calls (a new signature each); rank 0 prints one line "KILN-BENCH {json}" (wall per call = barrier to
//       barrier, MPI_Init excluded; compiles counted from the compiler wrapper's log DIR/compiles.log).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Kiln.Jit;
using Kiln.Jit.Mpi;
using Kiln.Mpi;
using Kiln.Mpi.Coordination;
using Kiln.Testing;
using Kiln.Toolchain;

var report = new RankReport(args, "KILN-JIT-MPI", "jit");
var scenario = report.Scenario;
var line = report.Line;
string Option(string name, string fallback) => report.Option(name, fallback);
bool Flag(string name) => report.Flag(name);
void Print() => report.Print();

var baseDir = Option("base", Path.GetTempPath());
var groupSize = int.Parse(Option("group-size", "0"), CultureInfo.InvariantCulture);
var mode = Enum.Parse<BuildMode>(Option("mode", "Auto"));
var compiler = Option("compiler", "");
var timeout = TimeSpan.FromMilliseconds(int.Parse(Option("timeout-ms", "60000"), CultureInfo.InvariantCulture));

using var session = MpiSession.Initialize(timeout);
var world = session.World;
var rank = world.Rank;
line["rank"] = rank;
line["size"] = world.Size;
line["flavour"] = session.Flavour.ToString();
var cacheDir = groupSize == 0 ? Path.Combine(baseDir, "cache") : Path.Combine(baseDir, "cache-" + (rank / groupSize).ToString(CultureInfo.InvariantCulture));
line["cache"] = cacheDir;
using var jit = new DistributedJit(world, new DistributedJitOptions { Mode = mode, Timeout = timeout, VerifySameRequest = Flag("verify") });
var differRank = int.Parse(Option("differ-rank", "-1"), CultureInfo.InvariantCulture);

JitRequest Request(string signature, int value, Action? onGenerate = null) => new()
{
    Signature = signature,
    CacheDirectory = cacheDir,
    LockTimeout = timeout,
    Build = new JitBuildOptions { Language = SourceLanguage.Cxx, Compiler = compiler.Length > 0 ? compiler : null },
    Generate = sig =>
    {
        onGenerate?.Invoke();
        var name = "k" + JitSignature.FileName(sig).Replace('-', '_').Replace('.', '_');
        var source = Flag("broken") ? "this is not C++ " + value + "\n" : $$"""
            // generated for signature {{sig}}, jitable {{value}}
            #define DLL_EXPORT extern "C" __attribute__ ((visibility ("default")))
            class bench_interface { public: virtual ~bench_interface() {} virtual int value() const = 0; };
            class bench_impl_{{value}}: public bench_interface { public: int value() const { return {{value}}; } };
            DLL_EXPORT void * create_object() { return new bench_impl_{{value}}(); }
            DLL_EXPORT int kiln_value() { return bench_impl_{{value}}().value(); }
            """;
        return new GeneratedCode("// header for " + name + "\n", source);
    },
};

if (scenario == "bench")
{
    var reps = int.Parse(Option("reps", "5"), CultureInfo.InvariantCulture);
    var countLog = Path.Combine(baseDir, "compiles.log");
    var walls = new List<double>();
    var compiles = new List<int>();
    var roles = new List<string>();
    // Warm-up outside the timing: the .NET JIT of the code path and the directory discovery (kept by DistributedJit).
    // Calls are collective: the same signature on every rank, drawn by rank 0.
    string Shared(string prefix) => System.Text.Encoding.UTF8.GetString(world.RunOnRoot(0, () => System.Text.Encoding.UTF8.GetBytes(prefix + Guid.NewGuid().ToString("N")[..12])));
    jit.Jit(Request(Shared("warmup-"), 1));
    for (var r = 0; r < reps; r++)
    {
        var benchSignature = Shared("bench-");
        Environment.SetEnvironmentVariable("KILN_COUNT_TAG", benchSignature);
        var before = File.Exists(countLog) ? File.ReadAllLines(countLog).Length : 0;
        world.Barrier();
        var t0 = Stopwatch.GetTimestamp();
        var result = jit.JitWithReport(Request(benchSignature, 100 + r));
        world.Barrier();
        var wall = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        var value = result.Library.GetDelegate<IntFn>("kiln_value")();
        if (value != 100 + r)
            throw new InvalidOperationException($"wrong value {value}");
        roles.Add(result.Role.ToString());
        if (rank == 0)
        {
            walls.Add(wall);
            compiles.Add(File.Exists(countLog) ? File.ReadAllLines(countLog).Length - before : -1);
        }
    }
    if (rank == 0)
    {
        var sorted = walls.Order().ToList();
        Console.Out.WriteLine("KILN-BENCH " + JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["impl"] = "kiln", ["flavour"] = session.Flavour.ToString(), ["mode"] = mode.ToString(),
            ["layout"] = groupSize == 0 ? "shared" : $"group-{groupSize}", ["np"] = world.Size, ["reps"] = reps,
            ["wall_ms_median"] = Math.Round(sorted[sorted.Count / 2], 1), ["wall_ms_all"] = walls.Select(w => Math.Round(w, 1)).ToList(),
            ["compiler_runs"] = compiles, ["rank0_roles"] = roles,
        }));
        Console.Out.Flush();
    }
    return 0;
}

// Scenario jit.
var calls = int.Parse(Option("calls", "2"), CultureInfo.InvariantCulture);
var signature = Option("signature", "jit-mpi-test");
var reported = Path.Combine(baseDir, "reported");
Directory.CreateDirectory(reported);
var isBuilder = false;
void OnGenerate()
{
    isBuilder = true;
    if (Flag("kill-builder"))
    {
        File.WriteAllText(Path.Combine(baseDir, "killed." + rank.ToString(CultureInfo.InvariantCulture)), "");
        Process.GetCurrentProcess().Kill();
    }
    if (Flag("hang-builder"))
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        while (Directory.EnumerateFiles(reported).Count() < world.Size - 1 && Stopwatch.GetTimestamp() < deadline)
            Thread.Sleep(20);
        line["othersReported"] = Directory.EnumerateFiles(reported).Count();
        Print();
        File.WriteAllText(Path.Combine(baseDir, "builder-reported"), "");
        session.Abort(3);
    }
}
var started = Stopwatch.GetTimestamp();
try
{
    var results = new List<DistributedJitResult>();
    for (var c = 0; c < calls; c++)
        results.Add(jit.JitWithReport(Request(signature, rank == differRank ? 43 : 42, OnGenerate)));
    var first = results[0];
    line["role"] = first.Role.ToString();
    line["mode"] = first.Mode.ToString();
    line["built"] = first.Library.WasBuilt;
    line["key"] = first.Library.Key;
    line["value"] = first.Library.GetDelegate<IntFn>("kiln_value")();
    line["laterFromMemory"] = results.Skip(1).All(r => r.FromMemory);
}
catch (Exception e)
{
    line["error"] = e.Message;
    line["errorType"] = e.GetType().FullName;
    if (e is JitCompileException ce)
    {
        line["outputTail"] = ce.OutputTail;
        line["failureDirectory"] = ce.FailureDirectory;
        line["command"] = ce.Command;
    }
    if (e is JitBuildInterruptedException ie)
    {
        line["signal"] = ie.Signal;
        line["attempts"] = ie.Attempts;
    }
}
line["elapsedMs"] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
line["isBuilder"] = isBuilder;
Print();
File.WriteAllText(Path.Combine(reported, rank.ToString(CultureInfo.InvariantCulture)), "");
if (Flag("hang-builder") && !isBuilder)
{
    // Stay alive until the hung builder has seen every report: a rank that exits without MPI_Finalize ends the job.
    var until = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
    while (!File.Exists(Path.Combine(baseDir, "builder-reported")) && Stopwatch.GetTimestamp() < until)
        Thread.Sleep(20);
}
return 0;

[System.Runtime.InteropServices.UnmanagedFunctionPointer(System.Runtime.InteropServices.CallingConvention.Cdecl)]
internal delegate int IntFn();
