// examples/jit-kernel: a .NET program that generates a C kernel with its constants baked in, lets Kiln.Jit build
// and cache it, and calls it through an unmanaged function pointer.
//
//   dotnet run --project examples/jit-kernel [-- <degree> [cache-dir]]
//
// Without cache-dir, the cache is a fresh temporary directory, removed at the end.
//
// The kernel evaluates a polynomial p(x) = c0 + c1 x + … + cn x^n (Horner) over an array; the coefficients are
// compile-time constants of the generated code, so the compiler can fold and vectorise them. A new degree or new
// coefficients give a new signature, hence a new library; the same ones hit the cache (on disk in a new process,
// in memory in the same process).
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Kiln.Jit;

var degree = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
// Without a cache directory, a fresh one per run (removed at the end), so the first call always shows a miss, even on
// a machine where another user ran the demo before; with one, a second run shows the disk hit.
var freshCache = args.Length <= 1;
var cacheDir = freshCache ? Directory.CreateTempSubdirectory("kiln-jit-kernel-").FullName : args[1];
var coefficients = Enumerable.Range(0, degree + 1).Select(i => 1.0 / (i + 1)).ToArray();
var parts = coefficients.Select(c => c.ToString("R", CultureInfo.InvariantCulture));

var request = new JitRequest
{
    Signature = JitSignature.FromName("horner", parts),
    CacheDirectory = cacheDir,
    Build = new JitBuildOptions { Flags = ["-O3", "-ffast-math"], SourceRetention = SourceRetention.Gzip },
    Generate = signature =>
    {
        var body = new StringBuilder();
        body.Append("#include <stddef.h>\n#include \"").Append(JitSignature.HeaderFileName(signature)).Append("\"\n\n");
        body.Append("void horner(const double* x, double* y, size_t n)\n{\n    for (size_t i = 0; i < n; ++i) {\n        double v = x[i];\n        double acc = ");
        body.Append(coefficients[^1].ToString("R", CultureInfo.InvariantCulture)).Append(";\n");
        for (var k = coefficients.Length - 2; k >= 0; k--)
            body.Append("        acc = acc * v + ").Append(coefficients[k].ToString("R", CultureInfo.InvariantCulture)).Append(";\n");
        body.Append("        y[i] = acc;\n    }\n}\n");
        return new GeneratedCode("#include <stddef.h>\nvoid horner(const double* x, double* y, size_t n);\n", body.ToString());
    },
};

var watch = Stopwatch.StartNew();
var library = JitCompiler.Default.Jit(request);
var first = watch.Elapsed;
watch.Restart();
var again = JitCompiler.Default.Jit(request);
var second = watch.Elapsed;
var repeated = new List<double>();
for (var r = 0; r < 200; r++)
{
    var t0 = Stopwatch.GetTimestamp();
    for (var i = 0; i < 1000; i++)
        JitCompiler.Default.Jit(request);
    repeated.Add(Stopwatch.GetElapsedTime(t0).TotalNanoseconds / 1000);
}
repeated.Sort();

const int N = 1 << 20;
var x = new double[N];
var y = new double[N];
for (var i = 0; i < N; i++)
    x[i] = i / (double)N;
unsafe
{
    var horner = (delegate* unmanaged<double*, double*, nuint, void>)library.GetExport("horner");
    fixed (double* px = x, py = y)
        horner(px, py, N);
}
double Reference(double v) => coefficients.Reverse().Aggregate(0.0, (acc, c) => acc * v + c);
var maxError = Enumerable.Range(0, N).Max(i => Math.Abs(y[i] - Reference(x[i])));

Console.WriteLine($"signature   {request.Signature}");
Console.WriteLine($"library     {library.Path}");
Console.WriteLine($"first call  {first.TotalMilliseconds,10:0.000} ms  ({(library.WasBuilt ? "miss: generated and compiled" : "hit: loaded from the disk cache")})");
Console.WriteLine($"second call {second.TotalMilliseconds * 1000,10:0.000} µs  (hit: in-process memo, same object: {ReferenceEquals(library, again)}; includes JIT-compiling the memo path)");
Console.WriteLine($"later calls {repeated[repeated.Count / 2],10:0.0} ns  (median of 200 x 1000 repeated requests)");
Console.WriteLine($"p(x) over {N} points, max |error| vs managed Horner: {maxError:E2}");
if (freshCache)
{
    Directory.Delete(cacheDir, recursive: true);
    Console.WriteLine("the cache was a fresh temporary directory (removed); give one to see a disk hit on the next run: dotnet run --project examples/jit-kernel -- 5 <cache-dir>");
}
else
{
    Console.WriteLine("run again: the first call becomes a disk hit; 'kiln jit show -C " + cacheDir + "' lists the entry");
}
return maxError < 1e-12 ? 0 : 1;
