# Hostile recipe: tries to read the held-out data and to write outside its outputs; reports what worked.
for f in "$HELD_OUT" /usr/share/games/fortunes/fortunes; do
  if cat "$f" > /dev/null 2>&1; then echo "READ $f"; else echo "cannot read $f"; fi
done
for f in "$OUTSIDE" "$PWD/edited-recipe.txt" /usr/looplab-escape "$LOOPLAB_OUT/ok.txt" /tmp/ok.txt; do
  if echo escaped > "$f" 2>/dev/null; then echo "WROTE $f"; else echo "cannot write $f"; fi
done
