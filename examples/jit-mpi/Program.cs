// examples/jit-mpi: MPI ranks JIT the same generated C kernel through Kiln.Jit.Mpi. Ranks that share a physical cache
// directory compile it once (node mode); with one directory per rank, rank 0 compiles and sends the library over MPI
// (root mode). Every rank prints its timings and role; rank 0 prints which rank compiled.
//
//   dotnet build examples/jit-mpi -c Release
//   mpirun.openmpi --allow-run-as-root --oversubscribe -np 4 artifacts/bin/jit-mpi/release/jit-mpi [mode] [cache-dir] [per-rank]
//   mpirun.mpich -np 4 artifacts/bin/jit-mpi/release/jit-mpi
//
// mode: Auto (default), Node, Root, Process; per-rank: "per-rank" gives each rank cache-dir/rank-N (simulated nodes).
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Kiln.Jit;
using Kiln.Jit.Mpi;
using Kiln.Mpi;
using Kiln.Mpi.Coordination;

var mode = args.Length > 0 ? Enum.Parse<BuildMode>(args[0], ignoreCase: true) : BuildMode.Auto;
var cacheRoot = args.Length > 1 ? args[1] : Path.Combine(Path.GetTempPath(), "kiln-jit-mpi-example");
var perRank = args.Length > 2 && args[2] == "per-rank";

var initStart = Stopwatch.GetTimestamp();
using var session = MpiSession.Initialize(TimeSpan.FromMinutes(5));
var initMs = Stopwatch.GetElapsedTime(initStart).TotalMilliseconds;
var world = session.World;
var cacheDir = perRank ? Path.Combine(cacheRoot, "rank-" + world.Rank.ToString(CultureInfo.InvariantCulture)) : cacheRoot;

using var jit = new DistributedJit(world, new DistributedJitOptions { Mode = mode });

// A new run id (drawn on rank 0, the same on every rank: jit calls are collective) makes the first call cold.
var run = Encoding.UTF8.GetString(world.RunOnRoot(0, () => Encoding.UTF8.GetBytes(DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture))));
var request = new JitRequest
{
    Signature = JitSignature.FromName("scale", ["2.5", run]),
    CacheDirectory = cacheDir,
    Generate = signature => new GeneratedCode(
        "#define FACTOR 2.5\n",
        $"#include \"{JitSignature.HeaderFileName(signature)}\"\nvoid scale(double* x, int n) {{ for (int i = 0; i < n; ++i) x[i] *= FACTOR; }}\n"),
};

var t0 = Stopwatch.GetTimestamp();
var first = jit.JitWithReport(request);
var firstMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
var t1 = Stopwatch.GetTimestamp();
var second = jit.JitWithReport(request);
var secondUs = Stopwatch.GetElapsedTime(t1).TotalMicroseconds;

var x = new[] { 1.0, 2.0, 3.0 };
unsafe
{
    fixed (double* p = x)
        ((delegate* unmanaged<double*, int, void>)first.Library.GetExport("scale"))(p, x.Length);
}

var report = string.Create(CultureInfo.InvariantCulture,
    $"rank {world.Rank}/{world.Size} ({session.Flavour}): MPI_Init {initMs:0} ms; first jit {firstMs:0.0} ms as {first.Role} ({first.Mode} mode); second jit {secondUs:0.0} µs{(second.FromMemory ? " from memory" : "")}; scale(1,2,3) = {string.Join(", ", x)}; {first.Library.Path}");
// Gather the lines at rank 0 so they print in rank order.
var lines = new List<string>();
for (var r = 0; r < world.Size; r++)
{
    var bytes = world.Broadcast(r == world.Rank ? Encoding.UTF8.GetBytes(report + "|" + first.Role) : null, r);
    lines.Add(Encoding.UTF8.GetString(bytes));
}
if (world.Rank == 0)
{
    foreach (var l in lines)
        Console.WriteLine(l.Split('|')[0]);
    var compiled = lines.Select((l, r) => (r, role: l.Split('|')[1])).Where(t => t.role == nameof(BuildRole.Builder)).Select(t => t.r.ToString(CultureInfo.InvariantCulture));
    Console.WriteLine($"compiled by rank(s): {string.Join(", ", compiled)}");
}
