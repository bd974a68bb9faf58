package io.streamrec.launcher.deploy;

import java.util.List;

/**
 * What {@link DeployCheck} found.
 *
 * @param objects Kubernetes objects checked, and against what ({@code file: Kind/name: against})
 * @param notChecked objects that could not be checked, with the reason and what would make the check possible
 * @param problems everything wrong, each naming its file, line, object and field
 * @param files files read
 */
public record DeployReport(List<String> objects, List<NotChecked> notChecked, List<Problem> problems, int files) {

    /** An object that could not be checked ({@code file: Kind/name}), and why. */
    public record NotChecked(String object, String reason) {}

    public DeployReport {
        objects = List.copyOf(objects);
        notChecked = List.copyOf(notChecked);
        problems = List.copyOf(problems);
    }

    public boolean passed() {
        return problems.isEmpty();
    }

    /** Files with at least one problem. */
    public long filesWithProblems() {
        return problems.stream().map(Problem::file).distinct().count();
    }
}
