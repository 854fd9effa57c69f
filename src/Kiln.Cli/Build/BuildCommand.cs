using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Kiln.Platform.Command;

namespace Kiln.Cli.Build;

/// <summary>
/// <c>kiln build [-v] [-j N] [-k] [--explain] [script] [args…]</c> (<see cref="BuildOptions"/>) and <c>kiln</c> without arguments: finds the working tree,
/// changes to its root, compiles the script (or takes it from the cache under <c>.kiln/scripts/</c>), runs it,
/// and remembers the arguments of a successful run.
/// </summary>
/// <remarks>Exit status: 0 success; 1 script could not be run or failed; 2 usage (no arguments and no history);
/// 130 interrupted (SIGINT, SIGTERM).</remarks>
internal static class BuildCommand
{
    /// <summary>Version of the compile settings; part of the cache key.</summary>
    private const string CompileFormat = "kiln-script-2";

    /// <summary>Whether the options before the script name ask for help (<c>kiln build --help</c>, <c>-h</c>, <c>-?</c>).</summary>
    public static bool AsksForHelp(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            if (argument is "--help" or "-h" or "-?")
                return true;
            if (argument is "-j" or "--jobs")
                i++;
            else if (!argument.StartsWith('-') || argument == "--")
                return false;
        }
        return false;
    }

    public static int Run(IReadOnlyList<string> arguments, bool fromHistory, TextWriter output, TextWriter error)
    {
        var options = BuildOptions.Parse(arguments, out var usage);
        if (options is null)
        {
            error.WriteLine(usage);
            return 2;
        }
        var args = options.Rest.ToList();

        var root = WorkingTreeRoot.Find(Directory.GetCurrentDirectory());
        if (root is null)
        {
            error.WriteLine($"error: current working directory not in a kiln working tree (no '{WorkingTreeRoot.MarkerName}' found)\n  | create one with 'kiln init'");
            return 1;
        }
        Directory.SetCurrentDirectory(root);

        if (fromHistory)
        {
            IReadOnlyList<string>? last;
            try
            {
                last = ArgumentHistory.Load(root);
            }
            catch (InvalidDataException e)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
            if (last is null)
            {
                error.WriteLine("usage: kiln [ --help ] [ build [ <script-name> [ <script-parameter> ... ] ] ]");
                return 2;
            }
            error.WriteLine("using arguments of last successful run: " + ArgumentHistory.Render(last));
            args = [.. last];
        }

        var scriptArgument = args.Count > 0 ? args[0] : ScriptName.Default;
        var problem = ScriptName.Problem(scriptArgument);
        if (problem is not null)
        {
            error.WriteLine("error: " + problem);
            return 1;
        }
        var script = ScriptName.Normalize(scriptArgument);
        var scriptPath = Path.Combine(root, script);
        if (!File.Exists(scriptPath))
        {
            var near = ScriptName.NearestExisting(root, script);
            error.WriteLine($"error: not an existing script: {Kiln.Paths.TreePath.Quote(script)}\n  | " +
                (near is null ? "create it, or name another script: 'kiln build <script>'" : $"did you mean {Kiln.Paths.TreePath.Quote(near)}? ('kiln build {near}')"));
            return 1;
        }
        var scriptArgs = args.Skip(1).ToArray();

        var references = ScriptReferences.For(root);
        if (references.Local.Count > 0)
            error.WriteLine($"adding {references.Local.Count} assembly file(s) from '{WorkingTreeRoot.MarkerName}/u/' to the script's references");

        string source;
        try
        {
            source = File.ReadAllText(scriptPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot read script {Kiln.Paths.TreePath.Quote(script)}\n  | reason: {e.Message}\n  | make it readable for this user (e.g. 'chmod u+r') and run again");
            return 1;
        }
        var assemblyPath = CachedAssemblyPath(root, scriptPath, source, references);
        if (!File.Exists(assemblyPath))
        {
            var (errors, warnings) = ScriptCompiler.Compile(scriptPath, script, source, references, assemblyPath);
            if (errors.Count > 0)
            {
                foreach (var line in errors)
                    error.WriteLine(line);
                return 1;
            }
            // Only with a script that compiled: a failed compile shows its errors alone (the warnings follow once it compiles).
            foreach (var line in warnings)
                error.WriteLine(line);
            ScriptCachePruning.Prune(assemblyPath, TimeProvider.System);
        }

        // Before the script runs: the run removes the record the replay check reads.
        var verification = ReplayVerification.Begin(root, [script, .. scriptArgs]);
        var status = Execute(assemblyPath, scriptPath, script, scriptArgs, references, options, error, Console.Error, verification);
        if (verification?.Disagreement(status) is { } disagreement)
        {
            error.WriteLine(disagreement);
            status = 1;
        }
        if (status == 0)
            ArgumentHistory.Save(root, [script, .. scriptArgs], Kiln.WorkingTree.KillPoints.BeforeRename, Kiln.WorkingTree.KillPoints.AfterRename);
        return status;
    }

    /// <summary><c>.kiln/scripts/&lt;key&gt;.dll</c>, key = SHA-256 over format, absolute script path and text, and the reference set.</summary>
    /// <remarks>
    /// The absolute path, not the path in the working tree: the embedded PDB names the script by its absolute path,
    /// and the script's frames in errors and the identity of tools it defines are found by it. A working tree
    /// copied or moved with its <c>.kiln/scripts/</c> used to run an assembly whose PDB named the old place: errors
    /// lost their "at build.cs:N" lines, and tools defined in the script were identified by a file elsewhere.
    /// </remarks>
    private static string CachedAssemblyPath(string root, string scriptPath, string source, ScriptReferences references)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(CompileFormat + "\n" + scriptPath + "\n"));
        hash.AppendData(Encoding.UTF8.GetBytes(source));
        hash.AppendData(references.Digest);
        var key = Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
        return Path.Combine(root, WorkingTreeRoot.MarkerName, "scripts", key + ".dll");
    }

    /// <summary>
    /// A script that returns (or throws) with a context it never disposed used to end kiln with its own exit status
    /// while started redos were abandoned and the run was never committed: exit 0 without the outputs. Contexts still
    /// open are left here, innermost first, whichever async flow entered them (their pending redos complete and are
    /// recorded); the script's mistake is still an error.
    /// </summary>
    /// <param name="error">Where the errors go; null for an interrupted build, which prints only its one line.</param>
    private static bool LeftOpenContexts(TextWriter? error)
    {
        if (Context.OpenRootCount == 0)
            return false;
        try
        {
            Context.LeaveAllOpen();
        }
        catch (Exception e)
        {
            error?.WriteLine("error: " + e.Message);
        }
        error?.WriteLine("error: the script ended with a context still active\n  | its pending redos were completed and recorded; enclose each context in 'using (new Context(…)) { … }'");
        return true;
    }

    /// <summary>Runs the script; its configuration record (<c>.kiln/configuration-1.json</c>, see <see cref="Record"/>) is discarded unless it succeeds.</summary>
    private static int Execute(string assemblyPath, string scriptPath, string script, string[] scriptArgs, ScriptReferences references, BuildOptions options,
        TextWriter error, TextWriter diagnostics, ReplayVerification? verification)
    {
        try
        {
            var status = ExecuteScript(assemblyPath, scriptPath, script, scriptArgs, references, options, error, diagnostics, verification);
            if (status != 0)
                Configuration.Default.Record?.Discard();
            return status;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot remove the configuration record of the failed run\n  | reason: {e.Message}\n  | remove '{WorkingTreeRoot.MarkerName}/{ConfigurationRecord.FileName}' by hand");
            return 1;
        }
        finally
        {
            Configuration.Default.Record = null;
        }
    }

    /// <summary>Starts the configuration record of this script run, with the replayability embedded in <paramref name="assembly"/> (printed with --verbose).</summary>
    private static void Record(System.Reflection.Assembly assembly, string scriptPath, string script, string[] scriptArgs, ScriptReferences references, bool verbose, TextWriter error)
    {
        var reasons = ReplayabilityAnalysis.ReasonsOf(assembly);
        if (verbose)
            foreach (var reason in reasons)
                error.WriteLine(reason);
        Configuration.Default.Record = new ConfigurationRecord(ScriptFacts.Of([scriptPath], [.. references.Kiln, .. references.Local], [script, .. scriptArgs],
            Directory.GetCurrentDirectory(), reasons, references.LocalDirectory));
    }

    private static int ExecuteScript(string assemblyPath, string scriptPath, string script, string[] scriptArgs, ScriptReferences references, BuildOptions options,
        TextWriter error, TextWriter diagnostics, ReplayVerification? verification)
    {
        var verbose = options.Verbose;
        var context = new ScriptLoadContext(references);
        var configuration = Configuration.Default;
        var log = configuration.Log;
        TerminalWriter? terminal = null;
        var previousOutput = log.Output;
        if (ReferenceEquals(diagnostics, Console.Error) && TerminalWriter.IsWanted())
        {
            terminal = new TerminalWriter(diagnostics);
            log.SetOutput(terminal);
            configuration.Progress = p => terminal.ShowProgress(ProgressLine(p));
            configuration.ColorDiagnostics = true;
        }
        configuration.ParallelRedoLimit = options.Jobs;
        configuration.KeepGoing = options.KeepGoing;
        configuration.ExplainUpToDate = options.Explain;
        // -v also shows every helper's command line, as ninja -v does (in the redo's block).
        var helperExecutionLevel = configuration.Levels.HelperExecution;
        if (verbose)
            configuration.Levels.HelperExecution = Kiln.Diagnostics.Level.Info;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        configuration.RedoFailed = failures.Enqueue;
        configuration.RunCompleted = run =>
        {
            verification?.Observe(run);
            log.Inform(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"run: {run.RedoCount} redo(s), {run.ToolInstanceCount - run.RedoCount} up to date, {run.DurationNs / 1e9:0.000} s"),
                configuration.Levels.RunSummary);
        };
        using var interrupts = new InterruptSignals(error);
        try
        {
            var assembly = context.LoadFromAssemblyPath(assemblyPath);
            var entry = assembly.EntryPoint ?? throw new InvalidOperationException("the script has no entry point (top-level statements)");
            Record(assembly, scriptPath, script, scriptArgs, references, verbose, error);
            var result = entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [scriptArgs]);
            var status = result switch
            {
                int code => code,
                Task<int> task => task.GetAwaiter().GetResult(),
                Task task => Await(task),
                _ => 0,
            };
            if (interrupts.Requested)
            {
                LeftOpenContexts(null);
                return interrupts.Report();
            }
            return LeftOpenContexts(error) ? 1 : status;
        }
        catch (Exception e)
        {
            // Checked here, not in a filter: a signal may come while the script's contexts are left (after a filter ran).
            // Whatever the interruption made the script throw (a start, a redo whose helper was killed): one line.
            if (interrupts.Requested)
            {
                LeftOpenContexts(null);
                return interrupts.Report();
            }
            var inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
            foreach (var failure in FailuresToReport(inner, failures))
                error.WriteLine(ScriptFailure.Render(failure, scriptPath, script, verbose));
            LeftOpenContexts(error);
            return 1;
        }
        finally
        {
            context.Unload();
            configuration.Progress = null;
            configuration.RunCompleted = null;
            configuration.RedoFailed = null;
            configuration.ColorDiagnostics = false;
            configuration.ParallelRedoLimit = null;
            configuration.KeepGoing = false;
            configuration.ExplainUpToDate = false;
            configuration.Levels.HelperExecution = helperExecutionLevel;
            if (terminal is not null)
            {
                terminal.ShowProgress("");
                log.SetOutput(previousOutput);
            }
        }
    }

    /// <summary>
    /// Every failure of the run, once each, in the order the redos failed, then the script's own error when it is not one
    /// of them: under parallel redos (and with <c>-k</c>) more than one redo fails. A redo not started because another
    /// failed is not reported when the failure that stopped it is.
    /// </summary>
    internal static IEnumerable<Exception> FailuresToReport(Exception thrown, IEnumerable<Exception> redoFailures)
    {
        var failed = redoFailures.ToList();
        foreach (var failure in failed)
            yield return failure;
        if (!failed.Contains(thrown) && !(failed.Count > 0 && FailedRedo.IsNotStarted(thrown)))
            yield return thrown;
    }

    /// <summary>ninja's <c>[finished/total] last started</c>: total is every redo found necessary so far (queued ones too);
    /// empty when all of them are done.</summary>
    /// <remarks>With the previous run's instance count, how far the script has come: <c>[3/40] CompileC a.c → a.o (450 of ~1000 checked)</c>.</remarks>
    internal static string ProgressLine(RedoProgress progress)
    {
        if (progress.Completed >= progress.Due)
            return "";
        var line = $"[{progress.Completed}/{progress.Due}] {progress.Tool}";
        return progress.PreviousInstanceCount is { } previous && progress.InstancesStarted <= previous
            ? line + $" ({progress.InstancesStarted} of ~{previous} checked)"
            : line;
    }

    private static int Await(Task task)
    {
        task.GetAwaiter().GetResult();
        return 0;
    }
}
