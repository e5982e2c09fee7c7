/* The named images: the regular files of the cpio archive the builder
 * gave dom0 as its module (start_info mod_start/mod_len), read once. */
#include <console.h>
#include <kernel.h>
#include "cpio.h"
#include "shell.h"

#define MAX_IMAGES 32

static struct image images[MAX_IMAGES];
static unsigned int nr_images;
static const char *problem;
static bool scanned;

static void scan(void)
{
    const void *archive = (const void *)start_info->mod_start;
    size_t len = start_info->mod_len, offset = 0;
    struct cpio_entry e;
    int rc;

    scanned = true;
    if (!archive || !len) {
        problem = "no images: dom0 was given no archive of them (its second boot module)";
        return;
    }
    while ((rc = cpio_next(archive, len, &offset, &e)) > 0) {
        if (!e.regular)
            continue;
        if (nr_images == MAX_IMAGES) {
            problem = "more images than the shell keeps: the rest are left out";
            return;
        }
        images[nr_images++] = (struct image){ e.name, e.data, e.size };
    }
    if (rc < 0)
        problem = "the images' archive is not a complete newc cpio archive: the rest are left out";
}

unsigned int images_count(void)
{
    if (!scanned)
        scan();
    return nr_images;
}

const struct image *image_at(unsigned int i)
{
    return i < images_count() ? &images[i] : NULL;
}

const struct image *archive_file(const char *name)
{
    for (unsigned int i = 0; i < images_count(); i++)
        if (!strcmp(images[i].name, name))
            return &images[i];
    return NULL;
}

/* Files whose names start with a dot are the shell's own (.autostart),
 * not images. */
const struct image *image_find(const char *name)
{
    return name[0] == '.' ? NULL : archive_file(name);
}

const char *images_problem(void)
{
    images_count();
    return problem;
}

bool cmd_images(int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        printk("images: takes no arguments\n");
        return false;
    }
    if (images_problem())
        printk("images: %s\n", images_problem());
    printk("%-32s %10s\n", "Name", "Bytes");
    for (unsigned int i = 0; i < images_count(); i++)
        if (images[i].name[0] != '.')
            printk("%-32s %10zu\n", images[i].name, images[i].size);
    return !images_problem() || images_count();
}
