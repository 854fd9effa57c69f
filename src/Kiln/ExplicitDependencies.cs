using System.Security.Cryptography;
using System.Text;
using Kiln.Paths;
using Kiln.Rebuild;
using Kiln.Store;
using Kiln.Tools;
using Kiln.WorkingTree;

namespace Kiln;

/// <summary>
/// The observe step of a start: the explicit inputs (which must exist now), the explicit outputs and the environment
/// variables of one tool instance, checked against their roles. A struct: its lists are all a start allocates for it.
/// </summary>
internal readonly struct ExplicitDependencies
{
    private ExplicitDependencies(int _)
    {
        Inputs = [];
        InputPaths = [];
        RegularInputs = [];
        Outputs = [];
        EnvironmentValues = new SortedDictionary<string, string>(StringComparer.Ordinal);
        NonExplicitEnvironment = [];
    }

    /// <summary>Explicit inputs in role order, each path once.</summary>
    public List<ObservedInput> Inputs { get; }

    public HashSet<TreePath> InputPaths { get; }

    /// <summary>The explicit inputs that are regular files (checked for readability before a redo).</summary>
    public List<(RoleDescriptor Role, TreePath Path, string Native)> RegularInputs { get; }

    public List<(RoleDescriptor Role, TreePath Path, FileMemo Memo)> Outputs { get; }

    /// <summary>The value of every environment variable the instance uses, by name.</summary>
    public SortedDictionary<string, string> EnvironmentValues { get; }

    /// <summary>Values of non-explicit environment-variable roles, assigned to the redo's result.</summary>
    public List<(RoleDescriptor Role, EnvVarValue Value)> NonExplicitEnvironment { get; }

    /// <summary>Observes the explicit dependencies of <paramref name="tool"/> in the working tree of <paramref name="context"/>.</summary>
    /// <exception cref="DependencyException">An explicit input is missing, inaccessible or of the wrong kind, or paths collide.</exception>
    /// <exception cref="RedoException">A non-explicit environment variable is required and not defined, or does not match its pattern.</exception>
    public static ExplicitDependencies Observe(Context context, ToolDescriptor descriptor, Tool tool)
    {
        var run = context.Run;
        var fs = run.FileSystem;
        var root = context.RootPath;
        var observed = new ExplicitDependencies(0);
        var outputOwners = new Dictionary<TreePath, string>();
        var envRoleOfVariable = new Dictionary<string, string>(StringComparer.Ordinal);
        using (run.Configuration.Log.Cluster("explicit input dependencies", run.Configuration.Levels.RedoNecessityCheck, isProgress: true, withTime: true))
        {
            foreach (var role in descriptor.Roles)
            {
                if (!role.IsPathRole)
                {
                    observed.ObserveEnvironmentVariable(context, descriptor, role, tool, envRoleOfVariable);
                    continue;
                }
                if (!role.IsExplicit)
                    continue;
                foreach (var path in role.PathsOf(tool))
                {
                    if (role.IsInput)
                        observed.ObserveInput(run, role, path, root);
                    else
                        observed.AddOutput(role, path, root, fs, outputOwners);
                }
            }
            var outputs = observed.Outputs;
            for (var i = 0; i < outputs.Count; i++)
            {
                var (role, path, _) = outputs[i];
                if (observed.InputPaths.Contains(path.WithIsDirectory(false)) || observed.InputPaths.Contains(path))
                    throw new DependencyException($"output dependency '{role.Name}' contains a path that is also an explicit input dependency: {path}");
                outputs[i] = (role, path, Lstat(fs, ManagedPaths.Native(path, root), role, path, isInput: false));
            }
        }
        return observed;
    }

    /// <summary>The outputs as the decision sees them.</summary>
    public ObservedOutput[] ObservedOutputs()
    {
        var result = new ObservedOutput[Outputs.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var (role, path, memo) = Outputs[i];
            result[i] = new ObservedOutput(path, memo, RoleAction.Of(role.Kind).ExpectedKind);
        }
        return result;
    }

    /// <summary>SHA-256 of the environment-variable values (format: docs/run-database.md), empty when none is used.</summary>
    public byte[] EnvironmentDigest()
    {
        if (EnvironmentValues.Count == 0)
            return [];
        var text = new StringBuilder();
        foreach (var (k, v) in EnvironmentValues)
            text.Append(k.Length).Append(':').Append(k).Append(v.Length).Append(':').Append(v);
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>
    /// Before a redo: an explicit input the redo cannot read is an error naming the role and the path, rather than
    /// whatever the tool's helper makes of it (checked only now: an up-to-date instance costs no open); obstructive
    /// outputs (of the wrong kind) are removed.
    /// </summary>
    public void PrepareForRedo(IFileSystem fs, string root)
    {
        foreach (var (role, path, native) in RegularInputs)
        {
            try
            {
                fs.CheckReadable(native);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DependencyException(
                    $"input dependency '{role.Name}' contains a path of an unreadable filesystem object: {path}\n  | reason: {ManagementTree.FirstLine(e.Message)}\n" +
                    "  | make it readable for this user (e.g. 'chmod u+r') and run again");
            }
        }
        foreach (var (role, path, memo) in Outputs)
            if (memo.Exists && !Observation.KindMatches(RoleAction.Of(role.Kind).ExpectedKind, memo.Kind))
                fs.Delete(ManagedPaths.Native(path, root).TrimEnd('/'));
    }

    private void ObserveInput(RunState run, RoleDescriptor role, TreePath path, string root)
    {
        var fs = run.FileSystem;
        TreePath? managed;
        try
        {
            managed = ManagedPaths.ToManaged(path, root, fs);
        }
        catch (WorkingTreePathException e)
        {
            throw new DependencyException($"input dependency '{role.Name}' contains an invalid path: {TreePath.QuoteShortened(path.AsString())}\n  | reason: {e.Message}");
        }
        if (managed is null)
            return;
        var memo = Lstat(fs, ManagedPaths.Native(managed, root), role, path, isInput: true);
        if (!memo.Exists)
            throw MissingInput(run, role, path, managed);
        var expected = RoleAction.Of(role.Kind).ExpectedKind;
        if (!Observation.KindMatches(expected, memo.Kind))
            throw new DependencyException($"input dependency '{role.Name}' contains an invalid path: {path}\n  | reason: {Observation.KindMismatch(expected, memo.Kind)}");
        if (InputPaths.Add(managed))
        {
            Inputs.Add(new ObservedInput(managed, RunDatabase.EncodePath(managed), true, memo));
            if (memo.Kind == FileKind.RegularFile)
                RegularInputs.Add((role, path, ManagedPaths.Native(managed, root)));
        }
    }

    private void AddOutput(RoleDescriptor role, TreePath path, string root, IFileSystem fs, Dictionary<TreePath, string> owners)
    {
        TreePath? managed;
        try
        {
            managed = ManagedPaths.ToManaged(path, root, fs);
        }
        catch (WorkingTreePathException e)
        {
            throw new DependencyException($"output dependency '{role.Name}' contains a path that is not a managed tree path: {TreePath.QuoteShortened(path.AsString())}\n  | reason: {e.Message}");
        }
        if (managed is null)
            throw new DependencyException($"output dependency '{role.Name}' contains a path that is not a managed tree path: {path}\n  | reason: is outside the working tree");
        if (owners.TryGetValue(managed, out var owner))
        {
            throw new DependencyException(owner == role.Name
                ? $"output dependency '{role.Name}' contains the same path more than once: {path}"
                : $"output dependencies '{owner}' and '{role.Name}' both contain the same path: {path}");
        }
        owners[managed] = role.Name;
        Outputs.Add((role, managed, default));
    }

    /// <summary>
    /// A missing explicit input; when it is an output of a redo started in this run (still running: a start returns at
    /// once), the error says so and how to order the two — the trap of passing a path instead of the started run's result.
    /// </summary>
    private static DependencyException MissingInput(RunState run, RoleDescriptor role, TreePath path, TreePath managed)
    {
        var message = $"input dependency '{role.Name}' contains a path of a non-existent filesystem object: {path}";
        if (!run.OutputsOfStartedRedos.TryGetValue(managed, out var writer))
            return new DependencyException(message);
        return new DependencyException(
            $"{message}\n  | it is an output of a redo started in this run and not finished yet: {writer}\n" +
            "  | a start returns at once: pass that run's result instead of the path (e.g. 'compiled.Result.ObjectFile', which waits for it), or await 'compiled.CompleteAsync()' first");
    }

    private void ObserveEnvironmentVariable(Context context, ToolDescriptor descriptor, RoleDescriptor role, Tool tool, Dictionary<string, string> roleOfVariable)
    {
        var declaration = (Input.EnvVarAttribute)role.Declaration;
        if (roleOfVariable.TryGetValue(declaration.Name, out var other))
            throw new DependencyException($"dependency roles '{other}' and '{role.Name}' both use environment variable '{declaration.Name}'");
        roleOfVariable[declaration.Name] = role.Name;
        string? raw;
        if (role.IsExplicit)
        {
            raw = (role.Property.GetValue(tool) as EnvVarValue)?.Raw;
        }
        else
        {
            raw = context.Env.Get(declaration.Name);
            if (raw is null)
            {
                if (declaration.Required)
                    throw new RedoException($"not a defined environment variable in the context: '{declaration.Name}'\n  | required by dependency role '{role.Name}'; use 'Context.Active.Env.ImportFromOuter(\"{declaration.Name}\", …)' or assign a value");
                return;
            }
            var match = descriptor.EnvVarPattern(role).Match(raw);
            if (!match.Success)
                throw new RedoException($"input dependency '{role.Name}' cannot use environment variable '{declaration.Name}'\n  | reason: value {TreePath.Quote(raw)} is not matched by validation pattern {TreePath.Quote(declaration.Pattern)}");
            var groups = match.Groups.Keys.Where(k => !int.TryParse(k, System.Globalization.CultureInfo.InvariantCulture, out _))
                .ToDictionary(k => k, k => match.Groups[k].Value, StringComparer.Ordinal);
            NonExplicitEnvironment.Add((role, new EnvVarValue(declaration.Name, raw, groups)));
        }
        if (raw is not null)
            EnvironmentValues[declaration.Name] = raw;
    }

    private static FileMemo Lstat(IFileSystem fs, string native, RoleDescriptor role, TreePath path, bool isInput)
    {
        try
        {
            return fs.Lstat(native.Length > 1 ? native.TrimEnd('/') : native);
        }
        catch (IOException e)
        {
            throw new DependencyException($"{(isInput ? "input" : "output")} dependency '{role.Name}' contains a path of an inaccessible filesystem object: {path}\n  | reason: {e.Message}");
        }
    }
}
