using System.Security.Cryptography;
using System.Text;
using Kiln.Caching;
using Kiln.Paths;
using Kiln.Platform.Text;
using Kiln.Tools;
using Kiln.WorkingTree;

namespace Kiln;

/// <summary>
/// The action cache's part in one redo of a cacheable tool (<see cref="ICacheableTool"/>): the key, the look-up, the
/// restore of a hit (which the record step then records as it records a redo), the store after a successful redo.
/// </summary>
/// <remarks>
/// <para>The key is the SHA-256 (hex) of its text, one <see cref="KeyValueLines"/> line each, in this order:
/// <c>format kiln-action-cache 1</c>; <c>tool</c> the tool identity's key (a library tool's is independent of where it
/// lies); <c>definition</c> the definition digest; <c>platform</c> Kiln's version and .NET's; <c>instance</c> the
/// instance's fingerprint (explicit dependencies as working-tree relative paths, and the execution parameters);
/// <c>environment</c> the digest of the environment variables it uses; a <c>fact</c> line per
/// <see cref="ICacheableTool.CacheKeyFactsAsync"/> fact; an <c>input &lt;digest&gt; &lt;path&gt;</c> line per explicit input
/// (a regular file's content SHA-256; a directory's: of its sorted entry names; a symbolic link's: of its target).
/// Nothing names the working tree's absolute path, so two checkouts at different paths share entries.</para>
/// <para>The non-explicit inputs are the second half of the key, as in ccache's direct mode: the entry lists those the
/// redo read (the compiler's depfile) with their digests, and a look-up is a hit only when every one of them has that
/// content in this working tree (one variant per key: the entry last stored wins).</para>
/// </remarks>
internal sealed class CachedRedo
{
    private const string Format = "kiln-action-cache 1";

    private readonly RunState _run;
    private readonly ActionCache _cache;
    private readonly ToolDescriptor _descriptor;
    private readonly string _root;
    private string[] _outputs = [];

    private CachedRedo(RunState run, ActionCache cache, ToolDescriptor descriptor, string root)
    {
        _run = run;
        _cache = cache;
        _descriptor = descriptor;
        _root = root;
    }

    /// <summary>The key (hex), once computed.</summary>
    public string? Key { get; private set; }

    /// <summary>The key's text (its inputs), once computed.</summary>
    public string? KeyText { get; private set; }

    /// <summary>The cache part of a redo of <paramref name="tool"/>, or null when the run has no cache or the tool is not cacheable.</summary>
    public static CachedRedo? For(RunState run, ToolDescriptor descriptor, Tool tool, string root)
    {
        if (run.ActionCache is not { } cache || tool is not ICacheableTool || !IsCacheable(descriptor))
            return null;
        return new CachedRedo(run, cache, descriptor, root);
    }

    /// <summary>Whether the roles allow restoring: explicit outputs are regular files, non-explicit roles are regular-file inputs (or environment variables).</summary>
    private static bool IsCacheable(ToolDescriptor descriptor) =>
        descriptor.Roles.All(r => r.IsInput
            ? r.IsExplicit || r.Kind is RoleKind.InputRegularFile or RoleKind.InputEnvVar
            : r.IsExplicit && r.Kind == RoleKind.OutputRegularFile);

    /// <summary>Computes the key and asks the cache; null when the instance cannot be shared now (no key).</summary>
    public async Task<ActionCacheLookup?> LookUpAsync(ICacheableTool tool, RedoContext context, ToolIdentity identity, string platformId,
        byte[] fingerprint, byte[] environmentDigest, ExplicitDependencies dependencies, CancellationToken cancellationToken)
    {
        IReadOnlyList<string>? facts;
        try
        {
            facts = await tool.CacheKeyFactsAsync(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A tool whose identity cannot be established is redone as without a cache; its redo says what is wrong.
            _run.Configuration.Log.Inform($"no action-cache key: {Lines.FirstLine(e.Message.Trim())}", _run.Configuration.Levels.RedoPreparation);
            return null;
        }
        if (facts is null)
            return null;
        try
        {
            var text = new StringBuilder();
            KeyValueLines.Append(text, "format", Format);
            KeyValueLines.Append(text, "tool", identity.Key);
            KeyValueLines.Append(text, "definition", Convert.ToHexStringLower(identity.DefinitionDigest));
            KeyValueLines.Append(text, "platform", platformId);
            KeyValueLines.Append(text, "instance", Convert.ToHexStringLower(fingerprint));
            KeyValueLines.Append(text, "environment", Convert.ToHexStringLower(environmentDigest));
            foreach (var fact in facts)
                KeyValueLines.Append(text, "fact", fact);
            foreach (var input in dependencies.Inputs)
                KeyValueLines.Append(text, "input", DigestOf(input.Path, input.Memo) + " " + input.Path.AsString());
            KeyText = text.ToString();
            Key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(KeyText)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An input that cannot be read for its digest: the redo runs (and says what is wrong) without the cache.
            Key = null;
            return null;
        }
        _outputs = [.. dependencies.Outputs.Select(o => o.Path.AsString())];
        return await _cache.LookUpAsync(Key, Verify, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Null when every non-explicit input of <paramref name="entry"/> has its content here and its roles exist; else why not.</summary>
    private string? Verify(ActionCacheEntry entry)
    {
        // Another instance's outputs under this key would mean a collision or a foreign writer: not restored.
        if (!entry.Outputs.Select(o => o.Path).SequenceEqual(_outputs))
            return "outputs are not the instance's";
        foreach (var (role, inputs) in entry.NonExplicitInputs)
        {
            if (NonExplicitRole(role) is null)
                return $"no non-explicit input role '{role}'";
            foreach (var (path, sha) in inputs)
            {
                var tree = ParseRelative(path);
                if (tree is null)
                    return $"not a working-tree path: {path}";
                var memo = _run.FileSystem.Lstat(ManagedPaths.Native(tree, _root));
                if (memo.Kind != FileKind.RegularFile)
                    return $"{TreePath.Quote(path)} does not exist (or is no regular file)";
                if (DigestOf(tree, memo) != sha)
                    return $"{TreePath.Quote(path)} has changed";
            }
        }
        return null;
    }

    /// <summary>Restores the outputs of <paramref name="entry"/> through <paramref name="context"/> and assigns its non-explicit inputs on <paramref name="result"/>.</summary>
    /// <exception cref="ActionCacheFormatException">The entry's outputs are not this instance's.</exception>
    public void Restore(ActionCacheEntry entry, EngineRedoContext context, Tool result, ExplicitDependencies dependencies)
    {
        if (entry.Outputs.Count != dependencies.Outputs.Count)
            throw new ActionCacheFormatException("outputs differ from the instance's");
        for (var i = 0; i < entry.Outputs.Count; i++)
        {
            var cached = entry.Outputs[i];
            var output = dependencies.Outputs[i].Path;
            if (cached.Path != output.AsString())
                throw new ActionCacheFormatException($"output {cached.Path} is not the instance's {output}");
            using var temporary = context.Temporary();
            var native = context.NativePathOf(temporary.Path);
            File.WriteAllBytes(native, cached.Content);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(native, (UnixFileMode)(cached.Mode & 0b111_111_111));
            context.ReplaceOutput(output, temporary.Path);
        }
        foreach (var (roleName, inputs) in entry.NonExplicitInputs)
            NonExplicitRole(roleName)!.SetPaths(result, [.. inputs.Select(i => ParseRelative(i.Path)!)]);
        if (entry.HelperOutput.Length > 0)
            context.Log.WriteVerbatim(entry.HelperOutput);
    }

    /// <summary>
    /// After a successful redo: stores its outputs, unless an input changed while it ran (mtime at or after
    /// <paramref name="timeAtStart"/>, or an explicit one no longer as observed) — the outputs could then be of either content.
    /// </summary>
    public async Task StoreAsync(Tool result, ExplicitDependencies dependencies, long timeAtStart, string helperOutput, CancellationToken cancellationToken)
    {
        if (Key is null)
            return;
        var fs = _run.FileSystem;
        foreach (var input in dependencies.Inputs)
            if (fs.Lstat(ManagedPaths.Native(input.Path, _root).TrimEnd('/')) != input.Memo)
                return;
        var roles = new List<(string, IReadOnlyList<(string, string)>)>();
        foreach (var role in _descriptor.Roles.Where(r => !r.IsExplicit && r.IsInput && r.IsPathRole))
        {
            if (role.Property.GetValue(result) is null)
                continue;
            var inputs = new List<(string, string)>();
            foreach (var path in role.PathsOf(result))
            {
                var managed = ManagedPaths.ToManaged(path, _root, fs, managementTreeIsOutside: true);
                if (managed is null)
                    continue;
                var memo = fs.Lstat(ManagedPaths.Native(managed, _root));
                if (memo.Kind != FileKind.RegularFile || memo.MtimeNs >= timeAtStart)
                    return;
                inputs.Add((managed.AsString(), DigestOf(managed, memo)));
            }
            roles.Add((role.Name, inputs));
        }
        var outputs = new List<CachedOutput>(dependencies.Outputs.Count);
        try
        {
            foreach (var (_, path, _) in dependencies.Outputs)
            {
                var native = ManagedPaths.Native(path, _root);
                outputs.Add(new CachedOutput(path.AsString(), OperatingSystem.IsWindows() ? 0b110_100_100 : (int)File.GetUnixFileMode(native), File.ReadAllBytes(native)));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The redo succeeded; only its entry is not stored.
            return;
        }
        await _cache.StoreAsync(new ActionCacheEntry(Key, roles, outputs, helperOutput), cancellationToken).ConfigureAwait(false);
    }

    private RoleDescriptor? NonExplicitRole(string name) =>
        _descriptor.Roles.FirstOrDefault(r => r.Name == name && !r.IsExplicit && r.IsInput && r.IsPathRole);

    private static TreePath? ParseRelative(string path)
    {
        try
        {
            var parsed = TreePath.Parse(path, isDirectory: false);
            return parsed.IsAbsolute || path.StartsWith("../", StringComparison.Ordinal) || path.Contains("/../", StringComparison.Ordinal) ? null : parsed;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The digest of an input in the key (once per file state and run).</summary>
    private string DigestOf(TreePath path, FileMemo memo)
    {
        var native = ManagedPaths.Native(path, _root).TrimEnd('/');
        return _run.ContentDigests.GetOrAdd((native, memo.Size, memo.MtimeNs), static (k, kind) => kind switch
        {
            FileKind.RegularFile => HashFile(k.Native),
            FileKind.Directory => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
                Directory.EnumerateFileSystemEntries(k.Native).Select(Path.GetFileName).Order(StringComparer.Ordinal))))),
            _ => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("link:" + (new FileInfo(k.Native).LinkTarget ?? "")))),
        }, memo.Kind);
    }

    private static string HashFile(string native)
    {
        using var stream = new FileStream(native, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
