using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Kiln.Jit.Cache;
using Kiln.Jit.Loading;
using Kiln.Jit.Signatures;
using Kiln.Toolchain;

namespace Kiln.Jit.Building;

/// <summary>What a successful build published (or found already published under the same full key).</summary>
internal sealed record BuiltEntry(EntryManifest Manifest, string LibraryPath, nint Handle, double CompileSeconds, bool Compiled);

/// <summary>
/// Builds one library in a private folder under <c>tmp/</c> (same file system as the cache), test-loads it, and
/// publishes it with <see cref="EntryStore.Publish"/> (every file by <c>rename(2)</c>, manifest last, then the
/// <c>keys/B</c> pointer). Nothing is
/// ever written into a published file. On a compile error it writes the failure folder and the failure record — unless
/// the failure is no property of the code: a full file system (the output says ENOSPC or EDQUOT) is an
/// <see cref="IOException"/>; a compiler killed by a signal or out of memory (<see cref="CompilerInterruption"/>) is run
/// again up to the retry count, then a <see cref="JitBuildInterruptedException"/>; a compiler that exits nonzero and
/// prints nothing gets the failure folder but no record. A failed build removes its private folder before returning
/// (a successful one in the background), so failures on a full disk leave nothing behind.
/// Runs only while the caller holds the key's build lease.
/// </summary>
internal static class LibraryBuilder
{
    private const int TailLines = 40;

    public static async Task<BuiltEntry> BuildAsync(CacheLayout layout, string signature, JitBuildOptions options,
        CompilerIdentity compiler, string baseKey, string baseText, GeneratedCode code, IReadOnlyList<JitLibrary> dependencies,
        bool globalSymbols, int interruptedRetries, TimeProvider time, ICompilerRunner runner, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(layout.Tmp, string.Create(CultureInfo.InvariantCulture,
            $"{baseKey[..16]}-{Environment.ProcessId}-{Guid.NewGuid():N}"));
        var includeDir = Path.Combine(temp, "include");
        var files = layout.Files;
        var succeeded = false;
        try
        {
            files.CreateDirectory(includeDir);
            var name = JitSignature.FileName(signature);
            var header = code.Header ?? "";
            if (header.Length > 0)
                files.WriteAllText(Path.Combine(includeDir, name + ".h"), header);
            foreach (var dep in dependencies)
            {
                // The dependency's own cache: it may be a shared cache rather than this one.
                var depHeader = new CacheLayout(dep.CacheRoot, files).HeaderPath(dep.Key);
                if (files.FileExists(depHeader))
                    files.CopyFile(depHeader, Path.Combine(includeDir, JitSignature.HeaderFileName(dep.Signature)), overwrite: true);
            }
            var sourceName = name + options.SourceSuffix;
            var source = Path.Combine(temp, sourceName);
            files.WriteAllText(source, code.Source);
            var library = Path.Combine(temp, "libkiln-new.so");
            var depfile = Path.Combine(temp, "deps.d");

            var args = CompileArguments(options, includeDir, source, library, dependencies.Select(d => d.Path));
            args.InsertRange(args.IndexOf(source), ["-MMD", "-MF", depfile]);
            var command = string.Join(' ', new[] { compiler.ExecutablePath }.Concat(args).Select(CompileCommand.QuoteForShell));

            var started = time.GetTimestamp();
            ToolProcessResult result;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    result = await runner.RunAsync(compiler.ExecutablePath, args, temp, cancellationToken).ConfigureAwait(false);
                }
                catch (ToolchainException e)
                {
                    throw new JitRequestException(e.Message, e);
                }
                if (result.ExitCode == 0)
                    break;
                if (CacheWriteError.MentionsDiskFull(result.CombinedOutput))
                {
                    var line = result.CombinedOutput.Split('\n').First(CacheWriteError.MentionsDiskFull).Trim();
                    throw new IOException($"the compiler could not write its output: {line.Replace(temp, Path.Combine(layout.Tmp, "…"), StringComparison.Ordinal)}");
                }
                // Killed (the OOM killer, a time limit) or out of memory: no property of the code. Retry, never record.
                var interruption = CompilerInterruption.Recognise(result.ExitCode, result.CombinedOutput, Path.GetFileName(compiler.ExecutablePath));
                if (interruption is null)
                    break;
                if (attempt > interruptedRetries)
                {
                    throw new JitBuildInterruptedException(signature, command, interruption.Reason, interruption.Signal, attempt,
                        Tail(result.CombinedOutput.Replace(temp, Path.Combine(layout.Tmp, "…"), StringComparison.Ordinal)))
                    {
                        Data = { ["compile-seconds"] = time.GetElapsedTime(started).TotalSeconds },
                    };
                }
                Trace.TraceWarning($"Kiln.Jit: compiling '{signature}': {interruption.Reason}; retrying ({attempt} of {interruptedRetries} retries)");
                TryDeleteFile(files, library);
                TryDeleteFile(files, depfile);
            }
            var seconds = time.GetElapsedTime(started).TotalSeconds;
            var headers = LocalHeaders(depfile, temp, layout, source);

            if (result.ExitCode != 0)
            {
                // The private folder is deleted below: name the failure folder's copies in messages instead.
                var failDirName = layout.FailureDirectory(signature);
                result = result with
                {
                    StandardOutput = result.StandardOutput.Replace(temp, failDirName, StringComparison.Ordinal),
                    StandardError = result.StandardError.Replace(temp, failDirName, StringComparison.Ordinal),
                };
                var tail = Tail(result.CombinedOutput);
                // Only a compiler that exited with diagnostics is a recorded failure: a silent exit is no evidence
                // about the code (a broken wrapper, a transient fault), so it gets the folder but no record.
                var failDir = RecordFailure(layout, signature, compiler, baseKey, temp, sourceName, args, source, library, depfile, command,
                    result, headers, tail, record: tail.Trim().Length > 0);
                throw new JitCompileException(signature, command, tail, failDir, fromFailureRecord: false, result.ExitCode)
                {
                    Data = { ["compile-seconds"] = seconds },
                };
            }

            var depKeys = dependencies.Select(d => new DependencyKey(d.Key, d.Signature)).ToList();
            var key = KeyInputs.FullKey(baseText, headers, depKeys);

            var handle = NativeLoader.TryLoad(library, globalSymbols, out var loadError);
            if (handle == 0)
                throw new JitException($"the library built for '{signature}' does not load: {loadError}; check the libraries it links ({string.Join(' ', options.Libraries)}) and the generated code");

            var size = files.TryStat(library, out var built) ? built.Size : throw new FileNotFoundException($"the compiler wrote no library '{library}'", library);
            var unstamped = new EntryManifest
            {
                Key = key,
                BaseKey = baseKey,
                Signature = signature,
                CreatedUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
                LibrarySize = size,
                LibrarySha256 = KeyInputs.HashFile(files, library),
                CompileSeconds = seconds,
                Command = command,
                SourceFile = options.SourceRetention switch
                {
                    SourceRetention.Keep => key + options.SourceSuffix,
                    SourceRetention.Gzip => key + options.SourceSuffix + ".gz",
                    _ => "",
                },
                Headers = headers,
                Dependencies = depKeys,
                InputText = baseText,
            };
            // Publish: payload files first, the manifest (the commit point) last, then the pointer from B.
            var keptSource = options.SourceRetention switch
            {
                SourceRetention.Keep => source,
                SourceRetention.Gzip => source + ".gz",
                _ => null,
            };
            if (options.SourceRetention == SourceRetention.Gzip)
            {
                await using var input = files.OpenRead(source);
                await using var output = files.Create(keptSource!);
                await using var zip = new GZipStream(output, CompressionLevel.Fastest);
                await input.CopyToAsync(zip, cancellationToken).ConfigureAwait(false);
            }
            var log = Path.Combine(temp, "build.log");
            files.WriteAllText(log, command + "\n\n" + result.CombinedOutput);
            var staged = new StagedEntry(temp, library, header.Length > 0 ? Path.Combine(includeDir, name + ".h") : null, keptSource, log);
            var manifest = EntryStore.Publish(layout, staged, unstamped);
            succeeded = true;
            return new BuiltEntry(manifest, layout.LibraryPath(key), handle, seconds, Compiled: true);
        }
        finally
        {
            // After success off the critical path: nothing reads the private folder any more (measured 1-12 ms on a
            // busy machine). After a failure at once: a process that exits next must not leave it filling the disk.
            if (succeeded)
                _ = Task.Run(() => files.DeleteTree(temp), CancellationToken.None);
            else
                files.DeleteTree(temp);
        }
    }

    /// <summary>The compiler arguments (after the executable) for building <paramref name="library"/>.</summary>
    internal static List<string> CompileArguments(JitBuildOptions options, string includeDir, string source, string library,
        IEnumerable<string> dependencyLibraries)
    {
        var args = new List<string>(options.Flags) { "-shared", "-fPIC", "-I" + includeDir };
        args.AddRange(options.IncludeDirectories.Select(d => "-I" + d));
        args.Add(source);
        args.Add("-o");
        args.Add(library);
        args.AddRange(dependencyLibraries);
        foreach (var d in options.LibraryDirectories)
        {
            args.Add("-L" + d);
            args.Add("-Wl,-rpath," + d);
        }
        args.AddRange(options.Libraries.Select(l => "-l" + l));
        return args;
    }

    /// <summary>Local headers read by the build: depfile prerequisites minus the source, the private folder and the
    /// cache's own include/ (dependency headers are keyed through the dependencies' keys). -MMD already omits system
    /// headers.</summary>
    internal static List<HeaderHash> LocalHeaders(string depfile, string temp, CacheLayout layout, string source)
    {
        var list = new List<HeaderHash>();
        var files = layout.Files;
        if (!files.FileExists(depfile))
            return list;
        Depfile parsed;
        try
        {
            parsed = Depfile.Parse(files.ReadAllBytes(depfile));
        }
        catch (DepfileFormatException)
        {
            return list;
        }
        var tempPrefix = temp + Path.DirectorySeparatorChar;
        var includePrefix = layout.Include + Path.DirectorySeparatorChar;
        foreach (var p in parsed.Prerequisites)
        {
            var full = Path.GetFullPath(p, temp);
            if (full == source || full.StartsWith(tempPrefix, StringComparison.Ordinal) || full.StartsWith(includePrefix, StringComparison.Ordinal))
                continue;
            if (files.FileExists(full))
                list.Add(new HeaderHash(KeyInputs.HashFile(files, full), full));
        }
        return list;
    }

    private static string RecordFailure(CacheLayout layout, string signature, CompilerIdentity compiler,
        string baseKey, string temp, string sourceName, List<string> args, string source, string library,
        string depfile, string command, ToolProcessResult result, List<HeaderHash> headers, string tail, bool record)
    {
        var finalDir = layout.FailureDirectory(signature);
        var staging = Path.Combine(layout.Tmp, "fail-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N"));
        try
        {
            StageFailure(layout.Files, staging, signature, compiler, temp, sourceName, args, source, library, depfile, command, result);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk: remove the half-written folder; the caller reports the cache error.
            layout.Files.DeleteTree(staging);
            throw;
        }

        // Replace an older failure folder of the same signature: move it aside, move the new one in, delete the old.
        _ = layout.Files.PublishFolder(staging, finalDir, layout.Quarantine);

        if (record)
        {
            var entry = new FailureRecord
            {
                Signature = signature, Command = command, FailureDirectory = finalDir, OutputTail = tail, Headers = headers,
            };
            layout.WriteAtomically(layout.FailureRecordPath(baseKey), entry.Format());
        }
        return finalDir;
    }

    private static void StageFailure(ICacheFileSystem files, string staging, string signature, CompilerIdentity compiler, string temp,
        string sourceName, List<string> args, string source, string library, string depfile, string command, ToolProcessResult result)
    {
        files.CreateDirectory(staging);
        files.CopyFile(source, Path.Combine(staging, sourceName), overwrite: false);
        var stagingInclude = Path.Combine(staging, "include");
        files.CreateDirectory(stagingInclude);
        foreach (var f in files.List(Path.Combine(temp, "include")).Where(files.FileExists))
            files.CopyFile(f, Path.Combine(stagingInclude, Path.GetFileName(f)), overwrite: false);
        files.WriteAllText(Path.Combine(staging, "command.txt"), command + "\n");
        files.WriteAllText(Path.Combine(staging, "error.log"), result.CombinedOutput);
        var env = new StringBuilder();
        foreach (var entry in Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
                     .Select(e => (Key: (string)e.Key, Value: (string?)e.Value ?? "")).OrderBy(e => e.Key, StringComparer.Ordinal))
            env.Append(entry.Key).Append('=').Append(entry.Value.Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        files.WriteAllText(Path.Combine(staging, "environment.txt"), env.ToString());

        // recompile.sh: the same command with the private paths mapped into this folder.
        var replayArgs = args.Where(a => a != "-MMD" && a != "-MF" && a != depfile)
            .Select(a => a == source ? sourceName
                : a == library ? "libkiln-recompile.so"
                : a == "-I" + Path.Combine(temp, "include") ? "-Iinclude"
                : a).ToList();
        var script = new StringBuilder();
        script.Append("#!/bin/sh\n");
        script.Append("# Reproduces the failed JIT build of signature '").Append(signature.Replace("\n", " ", StringComparison.Ordinal)).Append("' (written by Kiln.Jit).\n");
        script.Append("# The original command (private build folder since deleted) is in command.txt; the compiler output in error.log.\n");
        script.Append("cd \"$(dirname \"$0\")\" || exit 1\n");
        script.Append("exec ").Append(string.Join(' ', new[] { compiler.ExecutablePath }.Concat(replayArgs).Select(CompileCommand.QuoteForShell))).Append('\n');
        var scriptPath = Path.Combine(staging, "recompile.sh");
        files.WriteAllText(scriptPath, script.ToString());
        files.MakeExecutable(scriptPath);
        files.WriteAllText(Path.Combine(staging, "README"),
            "Run ./recompile.sh to reproduce the build failure; command.txt holds the exact original command,\n" +
            "environment.txt the environment of the failing process, error.log the compiler output.\n");
    }

    private static string Tail(string output) => Kiln.Platform.Text.Lines.Tail(output, TailLines);

    private static void TryDeleteFile(ICacheFileSystem files, string path)
    {
        try
        {
            files.DeleteFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Trace.TraceWarning($"Kiln.Jit: could not remove '{path}': {e.Message}");
        }
    }
}
