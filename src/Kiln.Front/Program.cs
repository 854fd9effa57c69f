using Kiln.Front;

return Front.Run(args);
