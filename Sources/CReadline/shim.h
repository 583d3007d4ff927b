/* readline.h needs FILE from stdio.h declared first. */
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>
