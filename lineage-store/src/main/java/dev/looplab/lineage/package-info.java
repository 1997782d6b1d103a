/**
 * Trial lineage in Git: {@link dev.looplab.lineage.LineageStore} records each trial as a commit of a
 * per-task bare repository, with trial and best refs and outcome notes that plain {@code git} can read.
 */
package dev.looplab.lineage;
