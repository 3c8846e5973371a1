# Warnings on for C and C++; -Werror with F8K_PICKY_DEVELOPER (CI turns it on).
set(F8K_WARNINGS -Wall -Wextra -Wshadow -Wpointer-arith -Wformat=2 -Wno-unused-parameter)
add_compile_options("$<$<COMPILE_LANGUAGE:C>:-Wstrict-prototypes;-Wmissing-prototypes>")
add_compile_options(${F8K_WARNINGS})
if(F8K_PICKY_DEVELOPER)
  add_compile_options(-Werror)
endif()
