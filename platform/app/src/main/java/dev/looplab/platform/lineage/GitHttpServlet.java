package dev.looplab.platform.lineage;

import dev.looplab.evaluation.task.UnknownTaskException;
import jakarta.inject.Inject;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Serves each task's (and imported history's) lineage read-only over Git smart HTTP at {@code /git/<task>.git}; pushes are refused. */
@WebServlet(urlPatterns = "/git/*", loadOnStartup = 1)
public class GitHttpServlet extends GitServlet {
    // a task name is one path segment; anything else (slashes, "..") never reaches the file system
    private static final Pattern REPOSITORY_NAME = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]*)\\.git");

    @Inject
    TaskService tasks;
    @Inject
    LineageService lineage;

    @Override
    public void init(ServletConfig config) throws ServletException {
        setRepositoryResolver(this::open);
        // the lineage is written only by the platform from validated proposals, never by clients
        setReceivePackFactory((req, db) -> {
            throw new ServiceNotEnabledException("the lineage is read-only: submit a proposal instead of pushing");
        });
        super.init(config);
    }

    private Repository open(HttpServletRequest request, String name) throws RepositoryNotFoundException {
        var matcher = REPOSITORY_NAME.matcher(name);
        if (!matcher.matches()) {
            throw new RepositoryNotFoundException(name);
        }
        String task = matcher.group(1);
        try {
            tasks.find(task);
        } catch (UnknownTaskException e) {
            // an imported history (looplab import) has no task.yaml, only its repository
            if (!Files.isDirectory(lineage.repositoryPath(task))) {
                throw new RepositoryNotFoundException(name, e);
            }
        }
        Path path = lineage.repositoryPath(task);
        if (!Files.isDirectory(path)) {
            // the task is known but no campaign has created its lineage yet
            throw new RepositoryNotFoundException(name);
        }
        try {
            return new FileRepositoryBuilder().setGitDir(path.toFile()).setMustExist(true).build();
        } catch (IOException e) {
            throw new RepositoryNotFoundException(name, e);
        }
    }
}
