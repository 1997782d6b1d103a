/**
 * Importers of other auto-research tools' histories (an Auto-Research-Recipes blackboard, a karpathy/autoresearch
 * run) into a Looplab lineage: one commit per experiment, outcome notes and the best ref.
 */
package dev.looplab.lineage.importer;
