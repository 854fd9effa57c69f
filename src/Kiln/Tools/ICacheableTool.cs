namespace Kiln.Tools;

/// <summary>
/// A tool whose redos may be restored from the action cache (<see cref="Configuration.ActionCache"/>) instead of run:
/// its explicit outputs are regular files, and they follow from its definition, execution parameters, environment
/// variables, the content of its inputs (explicit ones and the non-explicit ones its redo assigns) and the facts this
/// interface adds — nothing else (no clock, no host name, no absolute path of the working tree unless a fact names it).
/// The contrib compile, link and archive tools are cacheable.
/// </summary>
public interface ICacheableTool
{
    /// <summary>
    /// What besides its roles and parameters decides the outputs of this instance, one line each: for a compiler its
    /// identity (version, target, predefined macros, <c>-march=native</c> expanded), never its path. Called in the redo's
    /// slot before the cache is asked. Null when the instance cannot be shared now (e.g. a native CPU target that the
    /// compiler cannot name): its redo runs and is not stored.
    /// </summary>
    /// <param name="context">The redo's context (helpers, root).</param>
    /// <param name="cancellationToken">Cancelled when the run is interrupted.</param>
    Task<IReadOnlyList<string>?> CacheKeyFactsAsync(RedoContext context, CancellationToken cancellationToken);
}
